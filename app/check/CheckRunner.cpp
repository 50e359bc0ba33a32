#include "CheckRunner.h"

#include "session/ProbeSession.h"
#include "tls/TlsAudit.h"

CheckRunner::CheckRunner(CheckOptions options, std::unique_ptr<LineTransport> transport, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_session(std::make_unique<ProbeSession>(m_options.probe, std::move(transport)))
{
    ProbeSession* s = m_session.get();
    connect(s, &ProbeSession::stepStarted, this, &CheckRunner::stepStarted);
    connect(s, &ProbeSession::stepFinished, this, &CheckRunner::stepFinished);
    connect(s, &ProbeSession::transcriptAppended, this, &CheckRunner::transcriptAppended);
    connect(s, &ProbeSession::findingAdded, this, &CheckRunner::findingAdded);
    connect(s, &ProbeSession::tlsChanged, this, &CheckRunner::tlsChanged);
    connect(s, &ProbeSession::capabilitiesChanged, this, &CheckRunner::capabilitiesChanged);
    connect(s, &ProbeSession::paused, this, &CheckRunner::paused);
    connect(s, &ProbeSession::finished, this, &CheckRunner::onSessionFinished);
    if (m_options.probe.audit.any()) {
        m_audit = std::make_unique<TlsAudit>(m_options.probe);
        connect(m_audit.get(), &TlsAudit::progress, this, &CheckRunner::auditProgress);
        connect(m_audit.get(), &TlsAudit::finished, this, &CheckRunner::onAuditFinished);
    }
}

CheckRunner::~CheckRunner()
{
    // The audit's probes and the session may still talk to a server: stop them silently.
    if (m_audit) {
        m_audit->disconnect(this);
        m_audit.reset();
    }
    m_session->disconnect(this);
}

const Run& CheckRunner::run() const { return m_merged ? *m_merged : m_session->run(); }

QList<StepId> CheckRunner::plannedSteps() const { return m_session->plannedSteps(); }

bool CheckRunner::isSessionFinished() const { return m_session->isFinished(); }

bool CheckRunner::isPaused() const { return m_session->isPaused(); }

void CheckRunner::setStepMode(bool enabled) { m_session->setStepMode(enabled); }

void CheckRunner::start()
{
    if (m_started)
        return;
    m_started = true;
    // The audit's probes run beside the conversation: the whole costs about one check.
    m_session->start();
    if (m_audit)
        m_audit->start();
}

void CheckRunner::resume() { m_session->resume(); }

void CheckRunner::cancel()
{
    if (m_finished)
        return;
    if (!m_started) {
        // Nothing ran: the session records the stop, and the audit never starts.
        m_started = true;
        if (m_audit) {
            m_audit->disconnect(this);
            m_audit.reset();
        }
    }
    // The audit first: its finished() then completes the run as soon as the session is over.
    if (m_audit && !m_audit->isFinished())
        m_audit->cancel();
    if (!m_session->isFinished())
        m_session->cancel();
}

void CheckRunner::onSessionFinished()
{
    Q_EMIT sessionFinished();
    completeIfDone();
}

void CheckRunner::onAuditFinished() { completeIfDone(); }

void CheckRunner::completeIfDone()
{
    if (m_finished || !m_session->isFinished() || (m_audit && !m_audit->isFinished()))
        return;
    m_finished = true;
    if (m_audit) {
        Run merged = m_session->run();
        if (!merged.aborted)
            m_audit->mergeInto(merged);
        m_merged = std::move(merged);
    }
    Q_EMIT finished();
}
