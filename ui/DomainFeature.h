#pragma once

#include "domain/DomainReport.h"
#include "profiles/ServerProfile.h"

#include <QObject>
#include <QPointer>
#include <QString>

class DomainWindow;
class HistoryPanel;
class MainWindow;

/**
 * Mail domains in the main window, beside servers (issue 12): a mail domain profile chosen in the
 * sidebar and run opens the domain window with its settings and checks it; the domain window's
 * "Save as profile…" goes to the sidebar's editor; every finished domain check is kept in the run
 * history (DomainHistory: under the profile's id, else under the domain's key) and the history
 * panel turns to it; a saved domain check opens in the domain window. Installed by HistoryFeature.
 */
class DomainFeature final : public QObject
{
    Q_OBJECT

public:
    static DomainFeature* install(MainWindow* window, HistoryPanel* panel, const QString& directory);

    /// The domain window, made (and attached) on first use, shown.
    DomainWindow* showWindow();
    /// The domain window if it was made (null before).
    DomainWindow* domainWindow() const;
    /// Connects a newly made domain window (DomainWindow::showFor calls it).
    void attach(DomainWindow* window);
    /// Opens the domain window with `profile`'s settings and checks it.
    void checkProfile(const ServerProfile& profile);
    /// Shows a saved domain check in the domain window.
    void showSaved(const DomainReport& report);

Q_SIGNALS:
    /// A finished domain check was kept in the history under `key` (or could not be: `error`).
    void recorded(const QString& key, const QString& error);

private:
    DomainFeature(MainWindow* window, HistoryPanel* panel, const QString& directory);
    void onCheckFinished();
    void onProfileSaved(const ServerProfile& profile);

    MainWindow* m_window;
    HistoryPanel* m_panel;
    QString m_directory;
    QPointer<DomainWindow> m_domainWindow;
    /// "Save as profile…" was pressed: the next domain profile saved is the window's.
    bool m_awaitingSave = false;
};
