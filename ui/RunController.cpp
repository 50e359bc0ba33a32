#include "RunController.h"

#include "demo/DemoServer.h"
#include "session/ProbeSession.h"
#include "tls/TlsAudit.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcRunController, "mailscope.ui.run")

RunController::RunController(QObject* parent)
    : QObject(parent)
{
}

RunController::~RunController()
{
    // The session and the audit talk to the demo server: stop talking first.
    m_audit.reset();
    if (m_session)
        m_session->disconnect(this);
    m_session.reset();
    m_demo.reset();
}

const Run& RunController::run() const
{
    if (m_merged)
        return *m_merged;
    return m_session ? m_session->run() : m_previewRun;
}

QList<StepId> RunController::plannedSteps() const
{
    return m_session ? m_session->plannedSteps() : m_previewPlan;
}

void RunController::preview(const ServerChoice& choice)
{
    if (m_session)
        return;
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

bool RunController::isRunning() const
{
    return (m_session && !m_session->isFinished()) || (m_audit && !m_audit->isFinished());
}

bool RunController::isPaused() const { return m_session && m_session->isPaused(); }

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
        // The demo's slow scenarios should not make a newcomer wait long.
        options.stepTimeoutMs = 10000;
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
    if (m_session) {
        m_session->disconnect(this);
        m_session->cancel();
    }
    if (m_audit) {
        m_audit->disconnect(this);
        m_audit->cancel();
    }
    const ProbeOptions options = optionsFor(choice);
    std::unique_ptr<TlsAudit> audit;
    if (m_auditTls) {
        ProbeOptions auditOptions = options;
        auditOptions.audit.versions = true;
        auditOptions.audit.ciphers = true;
        auditOptions.audit.commandInjection = true;
        auditOptions.audit.ocsp = true;
        audit = std::make_unique<TlsAudit>(auditOptions);
        connect(audit.get(), &TlsAudit::progress, this, &RunController::auditProgress);
        connect(audit.get(), &TlsAudit::finished, this, &RunController::onAuditFinished);
    }
    auto session = std::make_unique<ProbeSession>(options);
    session->setStepMode(m_stepMode);
    ProbeSession* s = session.get();
    connect(s, &ProbeSession::stepStarted, this, &RunController::stepStarted);
    connect(s, &ProbeSession::stepFinished, this, &RunController::stepFinished);
    connect(s, &ProbeSession::transcriptAppended, this, &RunController::transcriptAppended);
    connect(s, &ProbeSession::findingAdded, this, &RunController::findingAdded);
    connect(s, &ProbeSession::tlsChanged, this, &RunController::tlsChanged);
    connect(s, &ProbeSession::capabilitiesChanged, this, &RunController::capabilitiesChanged);
    connect(s, &ProbeSession::paused, this, &RunController::onPaused);
    connect(s, &ProbeSession::finished, this, &RunController::onFinished);
    // Models drop their pointers into the old run on runStarted(); only then may it go.
    std::unique_ptr<ProbeSession> old = std::exchange(m_session, std::move(session));
    std::unique_ptr<TlsAudit> oldAudit = std::exchange(m_audit, std::move(audit));
    m_merged.reset();
    m_pausedBefore.reset();
    Q_EMIT runStarted();
    old.reset();
    oldAudit.reset();
    Q_EMIT stateChanged();
    // The audit's probes run beside the conversation: the whole costs about one check.
    m_session->start();
    if (m_audit)
        m_audit->start();
    return true;
}

void RunController::stop()
{
    if (m_audit && !m_audit->isFinished())
        m_audit->cancel(); // its finished() completes the run once the session is over too
    if (m_session && !m_session->isFinished())
        m_session->cancel();
}

void RunController::next()
{
    if (m_session && m_session->isPaused()) {
        m_pausedBefore.reset();
        m_session->resume();
        Q_EMIT stateChanged();
    }
}

void RunController::setStepMode(bool enabled)
{
    if (m_stepMode == enabled)
        return;
    m_stepMode = enabled;
    if (m_session && !m_session->isFinished()) {
        m_session->setStepMode(enabled);
        // Leaving step mode while paused means "run to the end".
        if (!enabled)
            next();
    }
    Q_EMIT stateChanged();
}

void RunController::setStopAfter(std::optional<StepId> step) { m_stopAfter = step; }

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

void RunController::onFinished()
{
    m_pausedBefore.reset();
    if (m_audit && !m_audit->isFinished()) {
        // The conversation is over, the audit is not: the run finishes with it.
        Q_EMIT stateChanged();
        return;
    }
    completeRun();
}

void RunController::onAuditFinished()
{
    if (m_session && m_session->isFinished())
        completeRun();
}

void RunController::completeRun()
{
    if (m_audit && m_session) {
        Run merged = m_session->run();
        if (!merged.aborted)
            m_audit->mergeInto(merged);
        m_merged = std::move(merged);
        // Views hold pointers into the session's run: rebind them to the merged one.
        Q_EMIT runStarted();
    }
    Q_EMIT finished();
    Q_EMIT stateChanged();
}
