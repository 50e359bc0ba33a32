#include "CheckRunner.h"

#include "audit/TlsAudit.h"
#include "findings/FindingCatalogue.h"
#include "session/ProbeSession.h"

#include <algorithm>

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
    connect(s, &ProbeSession::paused, this, &CheckRunner::onPaused);
    connect(s, &ProbeSession::messageProgress, this, &CheckRunner::messageProgress);
    connect(s, &ProbeSession::finished, this, &CheckRunner::onSessionFinished);
    // Precise: the report says "deadline of N s", so it must not strike early (a coarse timer
    // may fire up to 5% before its time).
    m_deadline.setSingleShot(true);
    m_deadline.setTimerType(Qt::PreciseTimer);
    connect(&m_deadline, &QTimer::timeout, this, &CheckRunner::onDeadline);
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
    m_clock.start();
    // Armed first: a session that ends at once (bad options) stops it again in completeIfDone().
    if (m_options.deadlineMs > 0)
        m_deadline.start(m_options.deadlineMs);
    // The audit's probes run beside the conversation: the whole costs about one check. They
    // start once the main connection is accepted, so that a server limiting connections per
    // client gives its slot to the main check first and never to a probe (issue 11).
    if (m_audit) {
        connect(m_session.get(), &ProbeSession::stepFinished, this, [this](int index) {
            const Run& r = m_session->run();
            if (index >= 0 && index < r.steps.size() && r.steps.at(index).id != StepId::Resolve)
                startAudit();
        });
    }
    m_session->start();
}

void CheckRunner::startAudit()
{
    if (!m_audit || m_audit->isRunning() || m_audit->isFinished())
        return;
    m_audit->start();
}

void CheckRunner::resume()
{
    if (!m_session->isPaused())
        return;
    if (m_deadlineLeftMs >= 0) {
        m_deadline.start(m_deadlineLeftMs);
        m_deadlineLeftMs = -1;
    }
    m_session->resume();
}

void CheckRunner::onPaused(StepId next)
{
    // Step mode: the user is taking the time, not the server; the deadline clock waits too.
    if (m_deadline.isActive()) {
        m_deadlineLeftMs = std::max(1, m_deadline.remainingTime());
        m_deadline.stop();
    }
    Q_EMIT paused(next);
}

QString CheckRunner::deadlineText() const
{
    return tr("%1 s").arg(QString::number(m_options.deadlineMs / 1000.0, 'g', 6));
}

QString CheckRunner::deadlineDetail() const
{
    QStringList parts;
    const Run& run = m_session->run();
    if (m_session->isFinished()) {
        parts.append(tr("The conversation had ended."));
    } else {
        QStringList done;
        QString cut;
        for (const StepRecord& s : run.steps) {
            if (s.status == StepStatus::Running)
                cut = toKey(s.id);
            else if (s.status != StepStatus::Skipped && s.status != StepStatus::Pending)
                done.append(toKey(s.id));
        }
        // Steps are recorded in the order of the plan, so what is not recorded yet is still to come.
        const QList<StepId> plan = m_session->plannedSteps();
        QStringList notRun;
        for (qsizetype i = run.steps.size(); i < plan.size(); ++i)
            notRun.append(toKey(plan.at(i)));
        if (!cut.isEmpty())
            parts.append(tr("Cut short: step %1.").arg(cut));
        parts.append(
            tr("Steps done: %1.").arg(done.isEmpty() ? tr("none") : done.join(QStringLiteral(", "))));
        if (!notRun.isEmpty())
            parts.append(tr("Not run: %1.").arg(notRun.join(QStringLiteral(", "))));
    }
    if (m_audit) {
        if (m_audit->isFinished()) {
            parts.append(tr("The TLS audit was complete."));
        } else {
            parts.append(tr("TLS audit: %1 of %2 probes done; not finished: %3.")
                             .arg(m_audit->probesDone())
                             .arg(m_audit->probesStarted())
                             .arg(m_audit->unfinishedParts().join(QStringLiteral(", "))));
        }
    }
    return tr("Deadline %1.").arg(deadlineText()) + QLatin1Char(' ') + parts.join(QLatin1Char(' '));
}

void CheckRunner::onDeadline()
{
    if (m_finished)
        return;
    m_deadlineReached = true;
    // Described before anything is stopped: afterwards everything would look "not finished".
    m_deadlineFinding = FindingCatalogue::make(FindingIds::RunDeadlineReached, deadlineDetail());
    if (!m_session->isFinished()) {
        m_session->interrupt(*m_deadlineFinding, tr("Run deadline of %1 reached").arg(deadlineText()),
                             tr("Not run: the run deadline of %1 was reached").arg(deadlineText()));
    }
    if (m_audit && !m_audit->isFinished())
        m_audit->cancel();
    completeIfDone();
}

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
    // A session that ended before it connected still gets its audit (it reports for itself).
    startAudit();
    Q_EMIT sessionFinished();
    completeIfDone();
}

void CheckRunner::onAuditFinished() { completeIfDone(); }

void CheckRunner::completeIfDone()
{
    if (m_finished || !m_session->isFinished() || (m_audit && !m_audit->isFinished()))
        return;
    m_finished = true;
    m_deadline.stop();
    if (m_audit) {
        Run merged = m_session->run();
        // A stopped conversation takes nothing from the audit; one cut by the deadline takes
        // what the audit had established (the report says what it had not).
        if (!merged.aborted || m_deadlineReached)
            m_audit->mergeInto(merged);
        if (m_deadlineReached) {
            merged.aborted = true;
            if (!merged.hasFinding(FindingIds::RunDeadlineReached))
                merged.findings.append(*m_deadlineFinding);
        }
        // The run lasted as long as its longer part.
        merged.durationMs = std::max(merged.durationMs, m_clock.elapsed());
        m_merged = std::move(merged);
    }
    Q_EMIT finished();
}
