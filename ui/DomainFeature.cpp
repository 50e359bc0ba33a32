#include "DomainFeature.h"

#include "domain/DomainHistory.h"
#include "DomainWindow.h"
#include "HistoryPanel.h"
#include "MainWindow.h"
#include "ProfileSidebar.h"
#include "ServerBar.h"

#include <QLocale>
#include <QStatusBar>

DomainFeature* DomainFeature::install(MainWindow* window, HistoryPanel* panel, const QString& directory)
{
    return new DomainFeature(window, panel, directory);
}

DomainFeature::DomainFeature(MainWindow* window, HistoryPanel* panel, const QString& directory)
    : QObject(window)
    , m_window(window)
    , m_panel(panel)
    , m_directory(directory)
{
    setObjectName(QStringLiteral("domainFeature"));
    connect(window->serverBar(), &ServerBar::domainCheckRequested, this, &DomainFeature::checkProfile);
    connect(window->serverBar()->profiles(), &ProfileSidebar::profileSaved, this,
            &DomainFeature::onProfileSaved);
}

DomainWindow* DomainFeature::domainWindow() const { return m_domainWindow.data(); }

DomainWindow* DomainFeature::showWindow() { return DomainWindow::showFor(m_window); }

void DomainFeature::attach(DomainWindow* window)
{
    if (m_domainWindow == window)
        return;
    m_domainWindow = window;
    connect(window, &DomainWindow::checkFinished, this, &DomainFeature::onCheckFinished);
    connect(window, &DomainWindow::saveProfileRequested, this, [this](const ServerProfile& draft) {
        m_awaitingSave = true;
        m_window->serverBar()->profiles()->saveAsProfile(draft, {});
    });
}

void DomainFeature::checkProfile(const ServerProfile& profile)
{
    DomainWindow* window = showWindow();
    if (window->isChecking())
        return;
    window->setProfile(profile);
    window->startCheck();
}

void DomainFeature::showSaved(const DomainReport& report)
{
    showWindow()->showSavedReport(report,
                                  QLocale().toString(report.startedAt.toLocalTime(), QLocale::ShortFormat));
}

void DomainFeature::onCheckFinished()
{
    DomainWindow* window = m_domainWindow.data();
    if (!window)
        return;
    const QString key = window->lastCheckKey();
    QString error;
    if (DomainHistory::record(RunHistory(m_directory), key, window->report(), &error).isEmpty()) {
        m_window->statusBar()->showMessage(tr("The domain check was not kept in the history: %1").arg(error),
                                           10000);
        Q_EMIT recorded(key, error);
        return;
    }
    // The history shows what was just checked, as it does after a server run.
    m_panel->setKey(key, window->lastCheckDescription());
    m_panel->refresh();
    Q_EMIT recorded(key, QString());
}

void DomainFeature::onProfileSaved(const ServerProfile& profile)
{
    if (!profile.isDomain() || !m_awaitingSave || !m_domainWindow)
        return;
    m_awaitingSave = false;
    // The window's settings are now this profile: its next checks are kept under the profile.
    if (m_domainWindow->draftProfile().domain == profile.domain)
        m_domainWindow->setProfile(profile);
}
