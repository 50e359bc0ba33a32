#pragma once

#include "domain/DomainReport.h"
#include "profiles/ServerProfile.h"

#include <memory>
#include <optional>
#include <QWidget>

class DemoServer;
class DomainCheck;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QTableWidget;
class QTreeWidget;
class Resolver;

/**
 * "Check a mail domain": the domain page. The MX table (preference, host, address, DNSSEC, DANE,
 * MTA-STS match, TLS version, certificate, verdict; one row per MX address), the domain-level
 * records (MX DNSSEC status, MTA-STS record and policy, TLS-RPT) and the findings. Double-clicking
 * an address opens its SMTP run (RunDialog). With "Demo domains" the demo's mail domains are
 * answered in-process and every MX is the built-in demo server: no network. The settings can be
 * saved as a mail domain profile; a saved check from the history is shown here read-only.
 * The check itself is DomainCheck; this class only shows its DomainReport.
 */
class DomainWindow final : public QWidget
{
    Q_OBJECT

public:
    explicit DomainWindow(QWidget* parent = nullptr);
    ~DomainWindow() override;
    Q_DISABLE_COPY_MOVE(DomainWindow)

    /// Shows `owner`'s domain window, making it on first use (the main window's menu entry).
    static DomainWindow* showFor(QWidget* owner);

    /// Starts a check of the domain in the box (the Check button).
    void startCheck();
    bool isChecking() const;
    const DomainReport& report() const { return m_report; }
    QTableWidget* mxTable() const { return m_mxTable; }
    QComboBox* domainBox() const { return m_domain; }
    QTreeWidget* findingsTree() const { return m_findings; }
    QSplitter* splitter() const { return m_split; }
    /// Opens the run of the MX table's `row` (what a double-click does).
    void openRun(int row);

    /// Takes a mail domain profile's settings (domain, demo or DNS server and trust anchor); checks
    /// with exactly these settings are kept in the history under the profile's id.
    void setProfile(const ServerProfile& profile);
    /// The profile the settings came from, if they still are its settings.
    std::optional<ServerProfile> profile() const;
    /// The current settings as an unsaved domain profile ("Save as profile").
    ServerProfile draftProfile() const;
    /// Shows a saved check (from the history), read-only; `when` says which in the status line.
    void showSavedReport(const DomainReport& report, const QString& description);
    /// Where the last finished check belongs in the history: the profile's id or the domain's key,
    /// and words for it ("the profile “Kunde”", "the mail domain example.org").
    QString lastCheckKey() const { return m_checkKey; }
    QString lastCheckDescription() const { return m_checkDescription; }
    QPushButton* saveProfileButton() const { return m_saveProfileButton; }
    QCheckBox* demoCheck() const { return m_demoCheck; }
    /// The built-in demo server the demo domains' MX hosts point at (null before the first demo check).
    DemoServer* demoServer() const { return m_demo.get(); }

Q_SIGNALS:
    void checkFinished();
    /// "Save as profile…": the current settings as a draft, for the profile sidebar to save.
    void saveProfileRequested(const ServerProfile& draft);

private:
    void onFinished();
    void onDemoToggled(bool demo);
    void showReport();
    /// Gives the MX table the height of its rows and the records and findings the rest.
    void fitTableHeight();
    QString recordsText() const;

    QComboBox* m_domain;
    QLineEdit* m_dnsServer;
    QLineEdit* m_trustAnchor;
    QCheckBox* m_demoCheck;
    QPushButton* m_checkButton;
    QPushButton* m_saveProfileButton;
    QLabel* m_status;
    QTableWidget* m_mxTable;
    QPlainTextEdit* m_records;
    QTreeWidget* m_findings;
    QSplitter* m_split;
    std::unique_ptr<DemoServer> m_demo;
    std::unique_ptr<Resolver> m_resolver;
    std::unique_ptr<DomainCheck> m_check;
    DomainReport m_report;
    std::optional<ServerProfile> m_profile;
    QString m_checkKey;
    QString m_checkDescription;
    /// MX table row -> (MX index, run index), -1 when the row has no run.
    QList<std::pair<int, int>> m_rowRuns;
};
