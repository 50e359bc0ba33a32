#include "HistoryFeature.h"

#include "AllPortsView.h"
#include "CompareDialog.h"
#include "demo/DemoServer.h"
#include "domain/DomainReportReader.h"
#include "DomainCompareDialog.h"
#include "DomainFeature.h"
#include "HistoryPanel.h"
#include "MainWindow.h"
#include "profiles/RunHistory.h"
#include "RunController.h"
#include "ServerBar.h"

#include <QAction>
#include <QDockWidget>
#include <QMenuBar>
#include <QStatusBar>
#include <QToolBar>

HistoryFeature* HistoryFeature::install(MainWindow* window, const QString& directory)
{
    return new HistoryFeature(window, directory);
}

HistoryFeature::HistoryFeature(MainWindow* window, const QString& directory)
    : QObject(window)
    , m_window(window)
    , m_directory(directory)
{
    setObjectName(QStringLiteral("historyFeature"));
    m_panel = new HistoryPanel(directory);
    m_dock = new QDockWidget(tr("History"), window);
    m_dock->setObjectName(QStringLiteral("historyDock"));
    m_dock->setWidget(m_panel);
    m_dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable);
    window->addDockWidget(Qt::RightDockWidgetArea, m_dock);
    // Hidden until asked for: the window's panes keep their room on first launch.
    m_dock->hide();
    // Wide enough for time, verdict, TLS version and server when it is shown.
    connect(m_dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible && m_dock->width() < 440)
            m_window->resizeDocks({m_dock}, {440}, Qt::Horizontal);
    });

    QAction* history = m_dock->toggleViewAction();
    history->setObjectName(QStringLiteral("historyAction"));
    history->setText(tr("&History"));
    history->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    history->setToolTip(tr("Earlier runs of this server: open, export, compare (Ctrl+H)"));
    m_allPortsAction = new QAction(tr("Check &All Ports…"), this);
    m_allPortsAction->setObjectName(QStringLiteral("allPortsAction"));
    m_allPortsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    m_allPortsAction->setToolTip(tr(
        "Check the host's eight mail ports at once: 25, 465, 587, 2525, 143, 993, 110, 995 (Ctrl+Shift+A)"));
    connect(m_allPortsAction, &QAction::triggered, this, &HistoryFeature::checkAllPorts);
    // Before Help, the last menu.
    auto* menu = new QMenu(tr("Hi&story"), window);
    const QList<QAction*> menus = window->menuBar()->actions();
    window->menuBar()->insertMenu(menus.isEmpty() ? nullptr : menus.last(), menu);
    menu->addAction(history);
    menu->addAction(m_allPortsAction);
    if (auto* bar = window->findChild<QToolBar*>(QStringLiteral("runToolBar"))) {
        bar->addSeparator();
        for (QAction* a : {history, m_allPortsAction}) {
            bar->addAction(a);
            // Tool buttons carry the actions' names for screen readers.
            if (QWidget* w = bar->widgetForAction(a))
                w->setAccessibleName(a->text().remove(QLatin1Char('&')).remove(QChar(0x2026)));
        }
    }

    RunController* controller = window->controller();
    connect(controller, &RunController::finished, this, &HistoryFeature::onRunFinished);
    connect(window->serverBar(), &ServerBar::choiceChanged, this, &HistoryFeature::onChoiceChanged);
    connect(m_panel, &HistoryPanel::openRequested, this, &HistoryFeature::open);
    connect(m_panel, &HistoryPanel::compareRequested, this, &HistoryFeature::compare);
    // Mail domains: their profiles, checks and saved checks (kept out of this class).
    m_domains = DomainFeature::install(window, m_panel, directory);
    onChoiceChanged();
}

QAction* HistoryFeature::historyAction() const { return m_dock->toggleViewAction(); }

AllPortsView* HistoryFeature::allPortsView() const { return m_allPorts.data(); }

CompareDialog* HistoryFeature::compareDialog() const { return m_compare.data(); }

DomainCompareDialog* HistoryFeature::domainCompareDialog() const { return m_domainCompare.data(); }

QString HistoryFeature::keyFor(const ServerChoice& choice)
{
    // A saved profile's runs are kept under its id, as `mailscope-cli check --profile` keeps them.
    if (choice.kind == ServerChoice::Kind::Profile && choice.profile)
        return choice.profile->id;
    return choice.kind == ServerChoice::Kind::Demo ? RunHistory::demoKey()
                                                   : RunHistory::quickConnectKey(choice.host, choice.port);
}

QString HistoryFeature::describe(const ServerChoice& choice)
{
    if (choice.kind == ServerChoice::Kind::Profile && choice.profile)
        return tr("the profile “%1”").arg(choice.profile->name);
    return choice.kind == ServerChoice::Kind::Demo
               ? tr("the demo server")
               : QStringLiteral("%1:%2").arg(choice.host).arg(choice.port);
}

void HistoryFeature::onChoiceChanged()
{
    const ServerChoice choice = m_window->serverBar()->choice();
    if (choice.isValid())
        m_panel->setKey(keyFor(choice), describe(choice));
}

void HistoryFeature::onRunFinished()
{
    RunController* controller = m_window->controller();
    // A run shown from the history (or the all-ports view) is not a new run.
    if (controller->isShowingSavedRun() || !controller->hasRun())
        return;
    const ServerChoice& choice = controller->lastChoice();
    QString error;
    if (RunHistory(m_directory).record(keyFor(choice), controller->run(), &error).isEmpty()) {
        showMessage(tr("The run was not kept in the history: %1").arg(error));
        return;
    }
    m_panel->setKey(keyFor(choice), describe(choice));
    m_panel->refresh();
}

bool HistoryFeature::open(const QString& path)
{
    const ReportFile read = ReportFile::readFile(path);
    if (!read.ok()) {
        showMessage(read.error);
        return false;
    }
    if (read.domain) {
        m_domains->showSaved(*read.domain);
        return true;
    }
    m_window->controller()->showSavedRun(*read.run);
    showMessage(tr("Showing the saved run of %1 (read-only).")
                    .arg(QLocale().toString(read.run->startedAt.toLocalTime(), QLocale::ShortFormat)));
    return true;
}

bool HistoryFeature::compare(const QString& before, const QString& after)
{
    const ReportFile a = ReportFile::readFile(before);
    const ReportFile b = ReportFile::readFile(after);
    if (!a.ok() || !b.ok()) {
        showMessage(a.ok() ? b.error : a.error);
        return false;
    }
    if (a.kind != b.kind) {
        showMessage(tr("%1 and %2 cannot be compared: select two domain checks or two server runs.")
                        .arg(a.describe(), b.describe()));
        return false;
    }
    if (m_compare)
        m_compare->close();
    if (m_domainCompare)
        m_domainCompare->close();
    if (a.domain) {
        m_domainCompare = new DomainCompareDialog(*a.domain, *b.domain, m_window);
        m_domainCompare->setAttribute(Qt::WA_DeleteOnClose);
        m_domainCompare->show();
        return true;
    }
    m_compare = new CompareDialog(*a.run, *b.run, m_window);
    m_compare->setAttribute(Qt::WA_DeleteOnClose);
    m_compare->show();
    return true;
}

void HistoryFeature::checkAllPorts()
{
    RunController* controller = m_window->controller();
    const ServerChoice choice = m_window->serverBar()->choice();
    if (!choice.isValid()) {
        showMessage(tr("Enter a server as host first."));
        return;
    }
    if (choice.profile && choice.profile->isDomain()) {
        showMessage(tr("“%1” is a mail domain: its MX hosts are checked on port 25 by the domain check.")
                        .arg(choice.profile->name));
        return;
    }
    QMap<quint16, quint16> portMap;
    if (choice.kind == ServerChoice::Kind::Demo) {
        // The demo plays it too: its listeners stand in for the eight ports.
        if (!controller->ensureDemo())
            return;
        controller->demoServer()->setScenario(choice.demoScenario);
        portMap = controller->demoServer()->allPortsMap();
    }
    const ProbeOptions base = controller->optionsFor(choice);
    if (!m_allPorts) {
        m_allPorts = new AllPortsView(m_window);
        m_allPorts->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_allPorts, &AllPortsView::runRequested, controller, &RunController::showSavedRun);
    }
    m_allPorts->show();
    m_allPorts->raise();
    m_allPorts->start(base, portMap);
}

void HistoryFeature::showMessage(const QString& message)
{
    m_window->statusBar()->showMessage(message, 10000);
}
