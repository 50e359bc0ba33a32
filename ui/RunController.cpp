#include "RunController.h"

#include "audit/TlsAudit.h"
#include "check/CheckRunner.h"
#include "demo/DemoServer.h"
#include "DemoProfile.h"
#include "session/ProbeSession.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcRunController, "mailscope.ui.run")

RunController::RunController(QObject* parent)
    : QObject(parent)
{
}

RunController::~RunController()
{
    // The session and the audit talk to the demo server: stop talking first.
    if (m_runner)
        m_runner->disconnect(this);
    m_runner.reset();
    m_demo.reset();
}

const Run& RunController::run() const
{
    if (m_saved)
        return *m_saved;
    return m_runner ? m_runner->run() : m_previewRun;
}

QList<StepId> RunController::plannedSteps() const
{
    if (m_saved) {
        QList<StepId> steps;
        for (const StepRecord& s : m_saved->steps)
            steps.append(s.id);
        return steps;
    }
    return m_runner ? m_runner->plannedSteps() : m_previewPlan;
}

void RunController::showSavedRun(const Run& run)
{
    if (m_runner) {
        m_runner->disconnect(this);
        m_runner->cancel();
    }
    // Models drop their pointers into the old run on runStarted(); only then may it go.
    std::unique_ptr<CheckRunner> old = std::move(m_runner);
    std::unique_ptr<Run> oldSaved = std::exchange(m_saved, std::make_unique<Run>(run));
    m_pausedBefore.reset();
    Q_EMIT runStarted();
    old.reset();
    oldSaved.reset();
    Q_EMIT finished();
    Q_EMIT stateChanged();
}

ProbeSession* RunController::session() const { return m_runner ? m_runner->session() : nullptr; }

TlsAudit* RunController::audit() const { return m_runner ? m_runner->audit() : nullptr; }

void RunController::preview(const ServerChoice& choice)
{
    if (m_runner || m_saved)
        return;
    if (choice.profile && choice.profile->isDomain()) {
        // A mail domain is checked in the domain window: no conversation of this window to preview.
        m_previewPlan.clear();
        m_previewRun = Run();
        Q_EMIT runStarted();
        return;
    }
    const ProbeOptions options = optionsFor(choice);
    m_previewPlan = ProbeSession::planFor(options);
    // What a session would start from: its target and nothing else yet.
    m_previewRun = Run();
    m_previewRun.target.host = options.host;
    m_previewRun.target.port = options.port;
    m_previewRun.target.protocol = options.protocol;
    m_previewRun.target.tls = options.tls;
    m_previewRun.target.policy = options.policy;
    m_previewRun.secretsShown = options.showSecrets;
    Q_EMIT runStarted();
}

bool RunController::isRunning() const { return m_runner && !m_runner->isFinished(); }

bool RunController::isPaused() const { return m_runner && m_runner->isPaused(); }

bool RunController::ensureDemo()
{
    if (m_demo && m_demo->isListening())
        return true;
    m_demo = std::make_unique<DemoServer>();
    if (!m_demo->start(0)) {
        const QString why = m_demo->errorString();
        m_demo.reset();
        Q_EMIT errorOccurred(tr("The built-in demo server could not start: %1").arg(why));
        return false;
    }
    qCDebug(lcRunController) << "demo server on port" << m_demo->port(Protocol::Smtp, TlsMode::StartTls);
    return true;
}

ProbeOptions RunController::optionsFor(const ServerChoice& choice)
{
    if (choice.kind != ServerChoice::Kind::Demo && choice.profile) {
        QString ignored;
        return profileOptions(choice, &ignored);
    }
    ProbeOptions options;
    if (choice.kind == ServerChoice::Kind::Demo) {
        options.host = DemoServer::hostName();
        options.protocol = choice.protocol;
        options.tls = choice.tls;
        options.policy = choice.policy;
        if (m_demo) {
            options.port = m_demo->port(options.protocol, options.tls);
            options.extraCaCertificates = m_demo->caCertificates();
        }
        // The demo's slow scenarios should not make a newcomer wait long: slow-banner greets after
        // 3 s and passes; expects-implicit-tls is diagnosed once its (silent) banner step times out.
        options.stepTimeoutMs = 5000;
    } else {
        options.host = choice.host;
        options.port = choice.port;
        options.protocol = choice.protocol;
        options.tls = choice.tls;
        options.policy = choice.policy;
    }
    options.insecure = choice.insecure;
    options.stopAfter = m_stopAfter;
    return options;
}

bool RunController::start(const ServerChoice& choice)
{
    if (!choice.isValid()) {
        Q_EMIT errorOccurred(tr("Enter a server as host:port first."));
        return false;
    }
    if (choice.kind == ServerChoice::Kind::Demo) {
        if (!ensureDemo())
            return false;
        m_demo->setScenario(choice.demoScenario);
    }
    m_lastChoice = choice;
    if (choice.kind != ServerChoice::Kind::Demo && choice.profile) {
        // The sample profile on the demo server plays its good scenario, with the profile's trust.
        if (DemoProfile::isDemo(*choice.profile)) {
            if (!ensureDemo())
                return false;
            m_demo->setScenario(QStringLiteral("good"));
        }
        QString error;
        const ProbeOptions options = profileOptions(choice, &error);
        if (!error.isEmpty()) {
            Q_EMIT errorOccurred(error);
            return false;
        }
        return launch(options);
    }
    return launch(optionsFor(choice));
}

bool RunController::startSuggested()
{
    if (!m_runner || !m_runner->isFinished() || !run().suggestion)
        return false;
    // The same target, CA and settings; only what the run learned changes.
    ProbeOptions options = m_runner->options().probe;
    options.protocol = run().suggestion->protocol;
    options.tls = run().suggestion->tls;
    options.stopAfter = m_stopAfter;
    return launch(options);
}

bool RunController::launch(const ProbeOptions& options)
{
    if (m_runner) {
        m_runner->disconnect(this);
        m_runner->cancel();
    }
    CheckOptions check;
    // The audit switches of a profile, plus the toolbar's TLS audit.
    check.probe = options;
    check.probe.send = std::exchange(m_nextSend, std::nullopt);
    check.deadlineMs = m_deadlineMs;
    if (m_auditTls) {
        check.probe.audit.versions = true;
        check.probe.audit.ciphers = true;
        check.probe.audit.commandInjection = true;
        check.probe.audit.ocsp = true;
    }
    auto runner = std::make_unique<CheckRunner>(check);
    runner->setStepMode(m_stepMode);
    CheckRunner* r = runner.get();
    connect(r, &CheckRunner::stepStarted, this, &RunController::stepStarted);
    connect(r, &CheckRunner::stepFinished, this, &RunController::stepFinished);
    connect(r, &CheckRunner::transcriptAppended, this, &RunController::transcriptAppended);
    connect(r, &CheckRunner::findingAdded, this, &RunController::findingAdded);
    connect(r, &CheckRunner::tlsChanged, this, &RunController::tlsChanged);
    connect(r, &CheckRunner::capabilitiesChanged, this, &RunController::capabilitiesChanged);
    connect(r, &CheckRunner::paused, this, &RunController::onPaused);
    connect(r, &CheckRunner::sessionFinished, this, &RunController::onSessionFinished);
    connect(r, &CheckRunner::auditProgress, this, &RunController::auditProgress);
    connect(r, &CheckRunner::messageProgress, this, &RunController::messageProgress);
    connect(r, &CheckRunner::finished, this, &RunController::onFinished);
    // Models drop their pointers into the old run on runStarted(); only then may it go.
    std::unique_ptr<CheckRunner> old = std::exchange(m_runner, std::move(runner));
    std::unique_ptr<Run> oldSaved = std::move(m_saved);
    m_pausedBefore.reset();
    Q_EMIT runStarted();
    old.reset();
    oldSaved.reset();
    Q_EMIT stateChanged();
    m_runner->start();
    return true;
}

void RunController::stop()
{
    if (m_runner)
        m_runner->cancel();
}

void RunController::next()
{
    if (m_runner && m_runner->isPaused()) {
        m_pausedBefore.reset();
        m_runner->resume();
        Q_EMIT stateChanged();
    }
}

void RunController::setStepMode(bool enabled)
{
    if (m_stepMode == enabled)
        return;
    m_stepMode = enabled;
    if (m_runner && !m_runner->isSessionFinished()) {
        m_runner->setStepMode(enabled);
        // Leaving step mode while paused means "run to the end".
        if (!enabled)
            next();
    }
    Q_EMIT stateChanged();
}

void RunController::setStopAfter(std::optional<StepId> step) { m_stopAfter = step; }

void RunController::setDeadlineMs(int milliseconds) { m_deadlineMs = milliseconds; }

void RunController::setAuditTls(bool enabled)
{
    if (m_auditTls == enabled)
        return;
    m_auditTls = enabled;
    Q_EMIT stateChanged();
}

void RunController::onPaused(StepId next)
{
    m_pausedBefore = next;
    Q_EMIT paused(next);
    Q_EMIT stateChanged();
}

void RunController::onSessionFinished()
{
    m_pausedBefore.reset();
    // The conversation is over, the audit is not: the run finishes with it.
    if (m_runner && m_runner->audit() && !m_runner->audit()->isFinished())
        Q_EMIT stateChanged();
}

void RunController::onFinished()
{
    // Views hold pointers into the session's run: rebind them to the merged one.
    if (m_runner && m_runner->hasMergedRun())
        Q_EMIT runStarted();
    Q_EMIT finished();
    Q_EMIT stateChanged();
}

ProbeOptions RunController::profileOptions(const ServerChoice& choice, QString* error)
{
    ServerProfile profile = *choice.profile;
    if (m_demo)
        profile.caFiles = DemoProfiles::caFilesFor(profile, m_demo->caFile());
    std::optional<ProbeOptions> options = profile.toProbeOptions(error);
    if (!options) {
        // A preview still shows the target; start() reports the error instead of running.
        profile.caFiles.clear();
        QString ignored;
        options = profile.toProbeOptions(&ignored);
    }
    if (DemoProfile::isDemo(profile)) {
        options->host = DemoServer::hostName();
        options->port = m_demo ? m_demo->port(options->protocol, options->tls) : 0;
    }
    options->password = choice.password;
    if (!options->stopAfter)
        options->stopAfter = m_stopAfter;
    return *options;
}
