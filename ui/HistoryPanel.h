#pragma once

#include <QString>
#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;

/**
 * The run history of one server (a profile, the demo, a quick-connect host): time, verdict and TLS
 * version of each kept run, newest first (RunHistory). A run can be opened in the window's panes,
 * exported as its JSON report, or compared with another (select two). A mail domain's checks are
 * listed the same way (time, verdict, the MX hosts' TLS versions, the domain). Entries that cannot be read
 * are listed under the table with the reason, never shown as runs.
 */
class HistoryPanel final : public QWidget
{
    Q_OBJECT

public:
    /// `directory`: RunHistory's folder (empty: the shared default).
    explicit HistoryPanel(QString directory = {}, QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(HistoryPanel)

    /// Lists the runs of `key`; `description` names the server in the title.
    void setKey(const QString& key, const QString& description);
    QString key() const { return m_key; }
    /// Reads the list again (after a run was recorded).
    void refresh();

    QTreeWidget* list() const { return m_list; }
    /// The report files of the selected rows, in list order (newest first).
    QStringList selectedPaths() const;
    /// Copies the report at `path` to `target` (OutputFile); an empty string or the error.
    static QString exportReport(const QString& path, const QString& target);

Q_SIGNALS:
    void openRequested(const QString& path);
    /// Two runs to compare: `before` is the older one.
    void compareRequested(const QString& before, const QString& after);

private:
    void onSelectionChanged();
    void onOpen();
    void onExport();
    void onCompare();

    QString m_directory;
    QString m_key;
    QLabel* m_title = nullptr;
    QTreeWidget* m_list = nullptr;
    QLabel* m_problems = nullptr;
    QPushButton* m_open = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_compare = nullptr;
};
