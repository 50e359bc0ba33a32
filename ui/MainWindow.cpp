#include "MainWindow.h"

#include "CapabilitiesPanel.h"
#include "CertificatePanel.h"
#include "DomainWindow.h"
#include "FindingsPanel.h"
#include "HistoryFeature.h"
#include "run/OutputFile.h"
#include "run/ReportJson.h"
#include "run/ReportText.h"
#include "RunController.h"
#include "RunDeadlineControl.h"
#include "RunSummaryBar.h"
#include "SendPane.h"
#include "ServerBar.h"
#include "session/ProbeSession.h"
#include "TimelineModel.h"
#include "TimelineView.h"
#include "TlsPanel.h"
#include "TranscriptModel.h"
#include "TranscriptView.h"
#include "UiStyle.h"

#include <algorithm>
#include <functional>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_controller(new RunController(this))
    , m_timelineModel(new TimelineModel(this))
    , m_transcriptModel(new TranscriptModel(this))
{
    UiStyle::initResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Mailscope"));
    setWindowIcon(UiStyle::icon(QStringLiteral("mailscope")));

    m_serverBar = new ServerBar;
    m_summary = new RunSummaryBar;
    m_timeline = new TimelineView;
    m_timeline->setTimelineModel(m_timelineModel);
    m_transcript = new TranscriptView;
    m_transcript->setTranscriptModel(m_transcriptModel);
    createDetailTabs();

    m_bottomSplitter = new QSplitter(Qt::Horizontal);
    m_bottomSplitter->setObjectName(QStringLiteral("bottomSplitter"));
    m_bottomSplitter->addWidget(m_transcript);
    m_bottomSplitter->addWidget(m_detailTabs);
    m_bottomSplitter->setChildrenCollapsible(false);

    m_vertSplitter = new QSplitter(Qt::Vertical);
    m_vertSplitter->setObjectName(QStringLiteral("verticalSplitter"));
    m_vertSplitter->addWidget(m_timeline);
    m_vertSplitter->addWidget(m_bottomSplitter);
    m_vertSplitter->setChildrenCollapsible(false);
    // Extra height goes to the transcript, not to empty timeline rows.
    m_vertSplitter->setStretchFactor(0, 0);
    m_vertSplitter->setStretchFactor(1, 1);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(4, 8, 8, 4);
    rightLayout->setSpacing(6);
    rightLayout->addWidget(m_summary);
    rightLayout->addWidget(m_vertSplitter, 1);

    m_sideSplitter = new QSplitter(Qt::Horizontal);
    m_sideSplitter->setObjectName(QStringLiteral("sideSplitter"));
    m_sideSplitter->addWidget(m_serverBar);
    m_sideSplitter->addWidget(right);
    m_sideSplitter->setStretchFactor(1, 1);
    m_sideSplitter->setCollapsible(1, false);
    setCentralWidget(m_sideSplitter);

    statusBar()->addWidget(m_statusLabel = new QLabel, 1);

    createActions();
    createToolBar();
    createMenus();
    wireController();
    HistoryFeature::install(this); // run history, compare and the all-ports view
    SendPane::install(this); // the test message (mail-from, rcpt-to, data)

    resize(1280, 800);
    applyDefaultSizes();
    restoreSettings();
    m_controller->preview(m_serverBar->choice());
    onStateChanged();
    // Only the tab on show is made now; the others on first show.
    ensurePane(DetailTab(std::max(0, m_detailTabs->currentIndex())));
    connect(m_detailTabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index >= 0 && index < m_detailPages.size())
            ensurePane(DetailTab(index));
    });
}

MainWindow::~MainWindow() = default;

void MainWindow::createDetailTabs()
{
    m_detailTabs = new QTabWidget;
    m_detailTabs->setObjectName(QStringLiteral("detailTabs"));
    m_detailTabs->setAccessibleName(tr("Details"));
    m_detailTabs->setDocumentMode(true);
    m_detailTabs->setIconSize(QSize(16, 16));
    // In DetailTab order.
    const QList<std::pair<QIcon, QString>> tabs {
        {UiStyle::severityIcon(Severity::Info), tr("Findings")},
        {UiStyle::icon(QStringLiteral("lock-closed")), tr("TLS")},
        {UiStyle::icon(QStringLiteral("certificate")), tr("Certificates")},
        {QIcon(), tr("Capabilities")}};
    for (const auto& [icon, text] : tabs) {
        auto* page = new QWidget;
        auto* layout = new QVBoxLayout(page);
        layout->setContentsMargins(0, 0, 0, 0);
        m_detailPages.append(page);
        m_detailTabs->addTab(page, icon, text);
    }
}

QWidget* MainWindow::paneIfMade(DetailTab tab) const
{
    switch (tab) {
    case DetailTab::Findings:
        return m_findings;
    case DetailTab::Tls:
        return m_tls;
    case DetailTab::Certificates:
        return m_certificates;
    case DetailTab::Capabilities:
        return m_capabilities;
    }
    return nullptr;
}

QWidget* MainWindow::ensurePane(DetailTab tab)
{
    if (QWidget* pane = paneIfMade(tab))
        return pane;
    RunController* c = m_controller;
    const Run& run = c->run();
    const bool complete = c->hasRun() && !c->isRunning();
    QWidget* pane = nullptr;
    switch (tab) {
    case DetailTab::Findings:
        m_findings = new FindingsPanel;
        connect(c, &RunController::findingAdded, m_findings, &FindingsPanel::onFindingAdded);
        connect(m_findings, &FindingsPanel::stepRequested, this, &MainWindow::onFindingStepRequested);
        m_findings->setRun(&run);
        if (complete)
            m_findings->onFinished();
        pane = m_findings;
        break;
    case DetailTab::Tls:
        m_tls = new TlsPanel;
        connect(c, &RunController::tlsChanged, m_tls, &TlsPanel::refresh);
        m_tls->setRun(&run);
        if (c->isRunning() && m_auditTotal > 0)
            m_tls->setAuditProgress(m_auditDone, m_auditTotal);
        pane = m_tls;
        break;
    case DetailTab::Certificates:
        m_certificates = new CertificatePanel;
        connect(c, &RunController::tlsChanged, m_certificates, &CertificatePanel::onTlsChanged);
        m_certificates->setRun(&run);
        pane = m_certificates;
        break;
    case DetailTab::Capabilities:
        m_capabilities = new CapabilitiesPanel;
        connect(c, &RunController::capabilitiesChanged, m_capabilities,
                &CapabilitiesPanel::onCapabilitiesChanged);
        m_capabilities->setRun(&run);
        pane = m_capabilities;
        break;
    }
    m_detailPages.at(int(tab))->layout()->addWidget(pane);
    return pane;
}

FindingsPanel* MainWindow::findingsPanel()
{
    ensurePane(DetailTab::Findings);
    return m_findings;
}

TlsPanel* MainWindow::tlsPanel()
{
    ensurePane(DetailTab::Tls);
    return m_tls;
}

CertificatePanel* MainWindow::certificatePanel()
{
    ensurePane(DetailTab::Certificates);
    return m_certificates;
}

CapabilitiesPanel* MainWindow::capabilitiesPanel()
{
    ensurePane(DetailTab::Capabilities);
    return m_capabilities;
}

void MainWindow::applyDefaultSizes()
{
    const int side = std::max(250, fontMetrics().horizontalAdvance(QStringLiteral("M")) * 20);
    m_sideSplitter->setSizes({side, width() - side});
    // Room for a whole SMTP STARTTLS conversation (8 steps) without scrolling.
    const int rowHeight = m_timeline->verticalHeader()->defaultSectionSize();
    const int timeline = rowHeight * 8 + m_timeline->horizontalHeader()->sizeHint().height()
                         + 2 * m_timeline->frameWidth() + 2;
    const int total = std::max(m_vertSplitter->height(), timeline + 300);
    m_vertSplitter->setSizes({timeline, total - timeline - m_vertSplitter->handleWidth()});
    const int rest = width() - side;
    m_bottomSplitter->setSizes({rest * 52 / 100, rest * 48 / 100});
}

void MainWindow::createActions()
{
    m_runAction = new QAction(UiStyle::icon(QStringLiteral("action-run")), tr("&Run"), this);
    m_runAction->setObjectName(QStringLiteral("runAction"));
    m_runAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_R), QKeySequence(Qt::Key_F5)});
    m_runAction->setToolTip(tr("Run the check (Ctrl+R)"));
    connect(m_runAction, &QAction::triggered, this, &MainWindow::startRun);

    m_stopAction = new QAction(UiStyle::icon(QStringLiteral("action-stop")), tr("&Stop"), this);
    m_stopAction->setObjectName(QStringLiteral("stopAction"));
    m_stopAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_stopAction->setToolTip(tr("Stop the run now (Esc)"));
    connect(m_stopAction, &QAction::triggered, m_controller, &RunController::stop);

    m_stepModeAction = new QAction(UiStyle::icon(QStringLiteral("action-step-mode")), tr("S&tep Mode"), this);
    m_stepModeAction->setObjectName(QStringLiteral("stepModeAction"));
    m_stepModeAction->setCheckable(true);
    m_stepModeAction->setShortcut(QKeySequence(Qt::Key_F9));
    m_stepModeAction->setToolTip(tr("Pause before each step, like a debugger (F9)"));
    connect(m_stepModeAction, &QAction::toggled, m_controller, &RunController::setStepMode);

    m_nextAction = new QAction(UiStyle::icon(QStringLiteral("action-next-step")), tr("&Next Step"), this);
    m_nextAction->setObjectName(QStringLiteral("nextStepAction"));
    m_nextAction->setShortcuts({QKeySequence(Qt::Key_F10), QKeySequence(Qt::CTRL | Qt::Key_N)});
    m_nextAction->setToolTip(tr("Run the next step (F10 or Ctrl+N)"));
    connect(m_nextAction, &QAction::triggered, m_controller, &RunController::next);

    m_auditAction = new QAction(UiStyle::icon(QStringLiteral("lock-closed")), tr("&Audit TLS"), this);
    m_auditAction->setObjectName(QStringLiteral("auditTlsAction"));
    m_auditAction->setCheckable(true);
    m_auditAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_auditAction->setToolTip(
        tr("Also probe every TLS version, the accepted ciphers, STARTTLS command injection and "
           "OCSP stapling, beside the check (Ctrl+T)"));
    connect(m_auditAction, &QAction::toggled, m_controller, &RunController::setAuditTls);

    m_findAction =
        new QAction(UiStyle::icon(QStringLiteral("action-find")), tr("&Find in Transcript…"), this);
    m_findAction->setShortcut(QKeySequence::Find);
    connect(m_findAction, &QAction::triggered, m_transcript, &TranscriptView::showFind);

    m_copyAction = new QAction(tr("Copy &Transcript"), this);
    m_copyAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    connect(m_copyAction, &QAction::triggered, m_transcript, &TranscriptView::copyAll);

    m_saveReportAction = new QAction(UiStyle::icon(QStringLiteral("action-save")), tr("&Save Report…"), this);
    m_saveReportAction->setShortcut(QKeySequence::Save);
    connect(m_saveReportAction, &QAction::triggered, this, &MainWindow::saveReport);

    m_saveTranscriptAction = new QAction(tr("Save Trans&cript…"), this);
    m_saveTranscriptAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(m_saveTranscriptAction, &QAction::triggered, this, &MainWindow::saveTranscript);
    connect(m_transcript, &TranscriptView::saveRequested, this, &MainWindow::saveTranscript);

    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_aboutAction = new QAction(tr("&About Mailscope"), this);
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::showAbout);

    // Ctrl+0..6 move the focus between panes (the detail panes are made when first needed).
    const QList<std::pair<QString, std::function<QWidget*()>>> panes {
        {tr("&Server"), [this] { return m_serverBar; }},
        {tr("T&imeline"), [this] { return m_timeline; }},
        {tr("T&ranscript"), [this] { return m_transcript->table(); }},
        {tr("&Findings"), [this] { return ensurePane(DetailTab::Findings); }},
        {tr("T&LS"), [this] { return ensurePane(DetailTab::Tls); }},
        {tr("&Certificates"), [this] { return ensurePane(DetailTab::Certificates); }},
        {tr("C&apabilities"), [this] { return ensurePane(DetailTab::Capabilities); }}};
    for (int i = 0; i < panes.size(); ++i) {
        auto* action = new QAction(panes.at(i).first, this);
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + i)));
        connect(action, &QAction::triggered, this, [this, paneFor = panes.at(i).second] {
            QWidget* pane = paneFor();
            const int tab = m_detailTabs->indexOf(pane->parentWidget());
            if (tab >= 0)
                m_detailTabs->setCurrentIndex(tab);
            pane->setFocus(Qt::ShortcutFocusReason);
            if (QWidget* w = pane->focusProxy() ? pane->focusProxy() : pane->nextInFocusChain();
                w && !pane->hasFocus())
                w->setFocus(Qt::ShortcutFocusReason);
        });
        m_focusActions.append(action);
    }
}

void MainWindow::createToolBar()
{
    QToolBar* bar = addToolBar(tr("Run"));
    bar->setObjectName(QStringLiteral("runToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setIconSize(QSize(20, 20));
    bar->addAction(m_runAction);
    bar->addAction(m_stopAction);
    bar->addSeparator();
    bar->addAction(m_stepModeAction);
    bar->addAction(m_nextAction);
    bar->addSeparator();
    bar->addAction(m_auditAction);
    bar->addSeparator();
    auto* label = new QLabel(tr("Stop &after:"));
    label->setContentsMargins(6, 0, 4, 0);
    m_stopAfterCombo = new QComboBox;
    m_stopAfterCombo->setObjectName(QStringLiteral("stopAfterCombo"));
    m_stopAfterCombo->setAccessibleName(tr("Stop after step"));
    m_stopAfterCombo->setToolTip(tr("End the run cleanly (with QUIT) after this step"));
    m_stopAfterCombo->addItem(tr("the whole conversation"), -1);
    for (StepId id : {StepId::Connect, StepId::Banner, StepId::Greeting, StepId::StartTls,
                      StepId::TlsHandshake, StepId::GreetingTls})
        m_stopAfterCombo->addItem(UiStyle::stepTitle(id, Protocol::Smtp), int(id));
    label->setBuddy(m_stopAfterCombo);
    bar->addWidget(label);
    bar->addWidget(m_stopAfterCombo);
    connect(m_stopAfterCombo, &QComboBox::currentIndexChanged, this, &MainWindow::onStopAfterChanged);
    m_deadline = new RunDeadlineControl;
    bar->addWidget(m_deadline);
    m_controller->setDeadlineMs(m_deadline->deadlineMs());
    connect(m_deadline, &RunDeadlineControl::deadlineChanged, m_controller, &RunController::setDeadlineMs);
    // Tool buttons carry the actions' names for screen readers.
    for (QAction* a : {m_runAction, m_stopAction, m_stepModeAction, m_nextAction, m_auditAction}) {
        if (QWidget* w = bar->widgetForAction(a))
            w->setAccessibleName(a->text().remove(QLatin1Char('&')));
    }
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_saveReportAction);
    file->addAction(m_saveTranscriptAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    menuBar()->addMenu(tr("&Edit"))->addActions({m_copyAction, m_findAction});

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_runAction);
    run->addAction(m_stopAction);
    run->addSeparator();
    run->addAction(m_stepModeAction);
    run->addAction(m_nextAction);
    run->addSeparator();
    run->addAction(m_auditAction);
    run->addSeparator();
    run->addAction(tr("Check a Mail &Domain…"), this, [this] { DomainWindow::showFor(this); });

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QAction* a : std::as_const(m_focusActions))
        view->addAction(a);

    menuBar()->addMenu(tr("&Help"))->addAction(m_aboutAction);
}

void MainWindow::wireController()
{
    RunController* c = m_controller;
    connect(c, &RunController::runStarted, this, &MainWindow::onRunStarted);
    connect(c, &RunController::stepStarted, m_timelineModel, &TimelineModel::onStepStarted);
    connect(c, &RunController::stepStarted, this, &MainWindow::onStepStarted);
    connect(c, &RunController::stepFinished, m_timelineModel, &TimelineModel::onStepFinished);
    connect(c, &RunController::transcriptAppended, m_transcriptModel, &TranscriptModel::onTranscriptAppended);
    // The detail panes connect themselves when they are made (ensurePane).
    connect(c, &RunController::findingAdded, this, &MainWindow::onFindingAdded);
    connect(c, &RunController::paused, m_timelineModel, &TimelineModel::onPaused);
    connect(c, &RunController::paused, this, &MainWindow::onPaused);
    connect(c, &RunController::finished, this, &MainWindow::onFinished);
    connect(c, &RunController::auditProgress, this, [this](int done, int total) {
        // The last probe's progress can arrive after the run completed: nothing to show then.
        if (!m_controller->isRunning())
            return;
        m_auditDone = done;
        m_auditTotal = total;
        if (m_tls)
            m_tls->setAuditProgress(done, total);
        if (m_controller->session() && m_controller->session()->isFinished())
            m_statusLabel->setText(tr("Auditing TLS… %1 of %2 probes done. Esc stops.").arg(done).arg(total));
    });
    connect(c, &RunController::stateChanged, this, &MainWindow::onStateChanged);
    connect(c, &RunController::errorOccurred, this, [this](const QString& message) {
        m_statusLabel->setText(message);
        QMessageBox::warning(this, tr("Mailscope"), message);
    });

    connect(m_timeline, &TimelineView::stepSelected, m_transcript, &TranscriptView::highlightStep);
    connect(m_serverBar, &ServerBar::choiceChanged, this, &MainWindow::onChoiceChanged);
    connect(m_serverBar, &ServerBar::runRequested, this, &MainWindow::startRun);
    connect(m_summary, &RunSummaryBar::rerunRequested, c, &RunController::startSuggested);
    m_serverBar->attach(c);
}

void MainWindow::startRun()
{
    // The choice may need a password first (keychain or prompt): the run starts once it has one.
    m_serverBar->resolveChoice([this](const ServerChoice& choice) { m_controller->start(choice); });
}

void MainWindow::onRunStarted()
{
    const Run& run = m_controller->run();
    m_timelineModel->setRun(&run, m_controller->plannedSteps());
    m_transcriptModel->setRun(&run);
    m_auditDone = 0;
    m_auditTotal = 0;
    if (m_findings)
        m_findings->setRun(&run);
    if (m_tls)
        m_tls->setRun(&run);
    if (m_certificates)
        m_certificates->setRun(&run);
    if (m_capabilities)
        m_capabilities->setRun(&run);
    updateFindingsTab();
    if (m_controller->hasRun()) {
        m_summary->showRunning(run, UiStyle::stepTitle(StepId::Resolve, run.target.protocol));
        setWindowTitle(tr("%1:%2 — Mailscope").arg(run.target.host).arg(run.target.port));
    } else if (const ServerChoice c = m_serverBar->choice(); c.profile && c.profile->isDomain()) {
        m_summary->showIdleDomain(c.profile->domain);
    } else {
        m_summary->showIdle(choiceText());
    }
}

void MainWindow::onStepStarted(int index)
{
    const Run& run = m_controller->run();
    if (index >= 0 && index < run.steps.size())
        m_summary->showRunning(run, UiStyle::stepTitle(run.steps.at(index).id, run.target.protocol));
}

void MainWindow::onPaused(StepId next)
{
    const QString title = UiStyle::stepTitle(next, m_controller->run().target.protocol);
    m_summary->showPaused(m_controller->run(), title);
    m_statusLabel->setText(tr("Paused before %1. Press F10 for the next step.").arg(title));
}

void MainWindow::onFinished()
{
    const Run& run = m_controller->run();
    m_timelineModel->onFinished();
    m_transcriptModel->flush();
    if (m_findings)
        m_findings->onFinished();
    if (m_tls)
        m_tls->refresh();
    m_summary->showFinished(run);
    updateFindingsTab();
    m_statusLabel->setText(tr("Finished in %1 — %2")
                               .arg(UiStyle::duration(run.durationMs), UiStyle::verdictText(run.verdict())));
    // A run with something to act on opens on its findings.
    if (run.verdict() == Verdict::Warning || run.verdict() == Verdict::Critical)
        showDetailTab(DetailTab::Findings);
    else if (run.tls)
        showDetailTab(DetailTab::Tls);
}

void MainWindow::onFindingAdded() { updateFindingsTab(); }

void MainWindow::updateFindingsTab()
{
    // Counted from the run, not from the pane: the pane may not be made yet.
    const QList<Finding>& findings = m_controller->run().findings;
    const auto count = [&](Severity severity) {
        return int(std::count_if(findings.cbegin(), findings.cend(),
                                 [severity](const Finding& f) { return f.severity == severity; }));
    };
    const int critical = count(Severity::Critical);
    const int warnings = count(Severity::Warning);
    const int total = int(findings.size());
    const int tab = int(DetailTab::Findings);
    m_detailTabs->setTabText(tab, total ? tr("Findings (%1)").arg(total) : tr("Findings"));
    const ProbeSession* session = m_controller->session(); // none for a saved run: it is over
    const bool finishedClean = m_controller->hasRun() && (!session || session->isFinished());
    m_detailTabs->setTabIcon(tab, critical        ? UiStyle::severityIcon(Severity::Critical)
                                  : warnings      ? UiStyle::severityIcon(Severity::Warning)
                                  : total         ? UiStyle::severityIcon(Severity::Info)
                                  : finishedClean ? UiStyle::statusIcon(StepStatus::Ok)
                                                  : QIcon());
}

void MainWindow::onStateChanged()
{
    const bool running = m_controller->isRunning();
    const bool paused = m_controller->isPaused();
    m_runAction->setEnabled(!running);
    m_stopAction->setEnabled(running);
    m_nextAction->setEnabled(paused);
    m_serverBar->setRunning(running);
    m_stopAfterCombo->setEnabled(!running);
    m_deadline->setEnabled(!running);
    m_saveReportAction->setEnabled(m_controller->hasRun() && !running);
    m_saveTranscriptAction->setEnabled(m_controller->hasRun());
    if (running && !paused)
        m_statusLabel->setText(tr("Running…  Esc stops the run."));
    else if (!m_controller->hasRun())
        m_statusLabel->setText(tr("Ready. Ctrl+R runs the check; F9 turns step mode on."));
}

void MainWindow::onChoiceChanged()
{
    if (!m_controller->hasRun()) {
        m_controller->preview(m_serverBar->choice());
        return;
    }
    if (!m_controller->isRunning())
        m_statusLabel->setText(tr("Press Run (Ctrl+R) to check %1.").arg(choiceText()));
}

QString MainWindow::choiceText() const
{
    const ServerChoice c = m_serverBar->choice();
    if (c.kind == ServerChoice::Kind::Demo)
        return tr("the demo server (scenario “%1”)").arg(c.demoScenario);
    if (c.profile && c.profile->isDomain())
        return tr("the mail domain %1 (in the domain window)").arg(c.profile->domain);
    if (c.host.isEmpty())
        return tr("a server");
    return QStringLiteral("%1:%2").arg(c.host).arg(c.port);
}

void MainWindow::onFindingStepRequested(StepId step)
{
    const int row = m_timelineModel->rowForStep(step);
    if (row >= 0)
        m_timeline->selectStepIndex(row);
}

void MainWindow::onStopAfterChanged(int index)
{
    const int id = m_stopAfterCombo->itemData(index).toInt();
    m_controller->setStopAfter(id < 0 ? std::nullopt : std::optional<StepId>(StepId(id)));
}

void MainWindow::showDetailTab(DetailTab tab)
{
    ensurePane(tab);
    m_detailTabs->setCurrentIndex(int(tab));
}

void MainWindow::saveReport()
{
    const Run& run = m_controller->run();
    QString selectedFilter;
    const QString textFilter = tr("Text report (*.txt)");
    const QString jsonFilter = tr("JSON report (*.json)");
    const QString name = QStringLiteral("mailscope-%1-%2")
                             .arg(run.target.host, run.startedAt.toString(QStringLiteral("yyyyMMdd-HHmmss")));
    QString path =
        QFileDialog::getSaveFileName(this, tr("Save report"), name + QStringLiteral(".txt"),
                                     textFilter + QStringLiteral(";;") + jsonFilter, &selectedFilter);
    if (path.isEmpty())
        return;
    const bool json =
        selectedFilter == jsonFilter || path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
    // Secrets are redacted by the engine unless the run was made with them shown.
    const QByteArray bytes = json ? ReportJson::toJson(run) : ReportText::render(run).toUtf8();
    QString error;
    if (!OutputFile::writeAll(path, bytes, &error)) {
        QMessageBox::warning(this, tr("Save report"), error);
        return;
    }
    m_statusLabel->setText(tr("Saved %1").arg(path));
}

void MainWindow::saveTranscript()
{
    const Run& run = m_controller->run();
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save transcript"), QStringLiteral("transcript-%1.txt").arg(run.target.host),
        tr("Transcript (*.txt)"));
    if (path.isEmpty())
        return;
    m_transcriptModel->flush();
    QString text;
    if (!run.secretsShown)
        text += tr("# Credentials, if any, are redacted.\n");
    for (int row = 0; row < m_transcriptModel->rowCount(); ++row)
        text += m_transcriptModel->lineText(row) + QLatin1Char('\n');
    QString error;
    if (!OutputFile::writeAll(path, text.toUtf8(), &error)) {
        QMessageBox::warning(this, tr("Save transcript"), error);
        return;
    }
    m_statusLabel->setText(tr("Saved %1").arg(path));
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About Mailscope"),
        tr("<h3>Mailscope %1</h3><p>See how a mail server handles transport security: the STARTTLS "
           "conversation step by step, TLS, certificates and what to fix.</p>")
            .arg(QApplication::applicationVersion()));
}

void MainWindow::changeEvent(QEvent* event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) {
        // Semantic colours are derived from the palette: repaint everything that uses them.
        const Run& run = m_controller->run();
        if (m_tls)
            m_tls->refresh();
        if (m_certificates)
            m_certificates->setRun(&run);
        if (m_controller->hasRun() && !m_controller->isRunning())
            m_summary->showFinished(run);
        m_timeline->viewport()->update();
        m_transcript->table()->viewport()->update();
    }
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("MainWindow"));
    if (settings.contains(QStringLiteral("geometry")))
        restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("state")).toByteArray());
    m_restoredSizes = settings.contains(QStringLiteral("verticalSplitter"));
    m_sideSplitter->restoreState(settings.value(QStringLiteral("sideSplitter")).toByteArray());
    m_vertSplitter->restoreState(settings.value(QStringLiteral("verticalSplitter")).toByteArray());
    m_bottomSplitter->restoreState(settings.value(QStringLiteral("bottomSplitter")).toByteArray());
    m_stepModeAction->setChecked(settings.value(QStringLiteral("stepMode"), false).toBool());
    m_auditAction->setChecked(settings.value(QStringLiteral("auditTls"), false).toBool());
    const int stopAfter = m_stopAfterCombo->findData(settings.value(QStringLiteral("stopAfter"), -1).toInt());
    m_stopAfterCombo->setCurrentIndex(std::max(0, stopAfter));
    m_detailTabs->setCurrentIndex(settings.value(QStringLiteral("detailTab"), 0).toInt());
    settings.endGroup();
    ServerChoice choice;
    choice.demoScenario =
        settings.value(QStringLiteral("Server/demoScenario"), QStringLiteral("good")).toString();
    m_serverBar->setChoice(choice);
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("MainWindow"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), saveState());
    settings.setValue(QStringLiteral("sideSplitter"), m_sideSplitter->saveState());
    settings.setValue(QStringLiteral("verticalSplitter"), m_vertSplitter->saveState());
    settings.setValue(QStringLiteral("bottomSplitter"), m_bottomSplitter->saveState());
    settings.setValue(QStringLiteral("stepMode"), m_stepModeAction->isChecked());
    settings.setValue(QStringLiteral("auditTls"), m_auditAction->isChecked());
    settings.setValue(QStringLiteral("stopAfter"), m_stopAfterCombo->currentData());
    settings.setValue(QStringLiteral("detailTab"), m_detailTabs->currentIndex());
    settings.endGroup();
    settings.setValue(QStringLiteral("Server/demoScenario"), m_serverBar->choice().demoScenario);
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    // Splitter sizes depend on the final window size: settle them once the window has it.
    if (!m_shown && !m_restoredSizes)
        applyDefaultSizes();
    m_shown = true;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_controller->stop();
    saveSettings();
    event->accept();
}
