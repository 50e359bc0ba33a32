#pragma once

#include "ServerChoice.h"

#include <QObject>
#include <QPointer>
#include <QString>

class AllPortsView;
class CompareDialog;
class DomainCompareDialog;
class DomainFeature;
class HistoryPanel;
class MainWindow;
class QAction;
class QDockWidget;

/**
 * History, compare and the all-ports view in the main window, kept out of MainWindow: a dock with
 * the HistoryPanel of the server chosen in the sidebar, a "History" menu (show the history, check
 * all ports), recording of every finished run (RunHistory), and the dialogs. Runs of the demo
 * server are kept under RunHistory::demoKey(), quick-connect runs per host and port.
 */
class HistoryFeature final : public QObject
{
    Q_OBJECT

public:
    /// Adds the feature to `window` (its child; find it with findChild). `directory`: the
    /// history folder (empty: the shared default).
    static HistoryFeature* install(MainWindow* window, const QString& directory = {});

    /// The history key and the words for a sidebar choice.
    static QString keyFor(const ServerChoice& choice);
    static QString describe(const ServerChoice& choice);

    HistoryPanel* panel() const { return m_panel; }
    QDockWidget* dock() const { return m_dock; }
    QAction* historyAction() const;
    QAction* allPortsAction() const { return m_allPortsAction; }
    /// The all-ports dialog once opened (null before).
    AllPortsView* allPortsView() const;
    /// The compare dialog opened last (null if none is open).
    CompareDialog* compareDialog() const;
    /// The comparison of two domain checks opened last (null if none is open).
    DomainCompareDialog* domainCompareDialog() const;
    /// Mail domains in the window (profiles, checks kept in the history, saved checks).
    DomainFeature* domains() const { return m_domains; }

    /// Shows the saved report at `path` in the window (a domain check: in the domain window); false
    /// (message in the status bar) if it cannot be read.
    bool open(const QString& path);
    /// Opens the side-by-side comparison of two saved reports of the same kind.
    bool compare(const QString& before, const QString& after);
    /// Opens the all-ports view for the server chosen in the sidebar and starts it.
    void checkAllPorts();

private:
    HistoryFeature(MainWindow* window, const QString& directory);
    void onRunFinished();
    void onChoiceChanged();
    void showMessage(const QString& message);

    MainWindow* m_window;
    QString m_directory;
    HistoryPanel* m_panel = nullptr;
    QDockWidget* m_dock = nullptr;
    QAction* m_allPortsAction = nullptr;
    QPointer<AllPortsView> m_allPorts;
    QPointer<CompareDialog> m_compare;
    QPointer<DomainCompareDialog> m_domainCompare;
    DomainFeature* m_domains = nullptr;
};
