#include "TlsProbePool.h"

#include "findings/FindingCatalogue.h"
#include "session/ProbeSession.h"

#include <QCoreApplication>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcProbes, "mailscope.tls.probes", QtInfoMsg)

struct TlsProbePool::Active
{
    std::unique_ptr<ProbeSession> session;
    Callback done;
    bool reported = false;
    TlsClientOptions tls;
    int attempt = 0;
};

ProbeOutcome outcomeOf(const Run& run)
{
    ProbeOutcome o;
    o.durationMs = run.durationMs;
    const StepRecord* handshake = run.step(StepId::TlsHandshake);
    if (run.tls && !run.tls->protocol.isEmpty()) {
        o.kind = ProbeOutcome::Kind::Accepted;
        o.protocol = run.tls->protocol;
        o.cipher = run.tls->cipher;
        o.facts = *run.tls;
        o.certificates = run.certificates;
        for (const Finding& f : run.findings) {
            if (f.id.startsWith(QLatin1String("cert-")) && f.id != FindingIds::CertVerificationOverridden)
                o.certificateFindings.append(f);
        }
        if (handshake)
            o.durationMs = handshake->startedMs + handshake->durationMs;
        return o;
    }
    if (const Finding* f = run.finding(FindingIds::TlsHandshakeFailed)) {
        // Only an answer is a refusal: an alert, or a ServerHello that picked another version or
        // suite than offered (OpenSSL's words for those). A timeout, a reset or a close before the
        // ServerHello says nothing about what the server accepts (issue 11).
        static const QStringList answers = {QStringLiteral("alert"),
                                            QStringLiteral("wrong version number"),
                                            QStringLiteral("unsupported protocol"),
                                            QStringLiteral("no shared cipher"),
                                            QStringLiteral("wrong cipher returned"),
                                            QStringLiteral("version too low"),
                                            QStringLiteral("unknown protocol")};
        const bool answered = std::any_of(answers.cbegin(), answers.cend(), [f](const QString& words) {
            return f->detail.contains(words, Qt::CaseInsensitive);
        });
        o.kind = answered ? ProbeOutcome::Kind::Rejected : ProbeOutcome::Kind::Failed;
        o.detail = f->detail;
        const bool timedOut =
            handshake && handshake->summary.contains(QLatin1String("did not complete within"));
        o.closedInHandshake = !answered && !timedOut;
        return o;
    }
    o.kind = ProbeOutcome::Kind::Failed;
    // A conversation that cannot reach STARTTLS on any connection; a refused connection, a 421,
    // a close or a reset may be the server's connection limit and is worth another try.
    for (const QLatin1String id :
         {FindingIds::WrongProtocol, FindingIds::ImplicitTlsExpected, FindingIds::StartTlsNotOffered,
          FindingIds::StartTlsRejected, FindingIds::ServerTimeout, FindingIds::ReplyMalformed}) {
        if (run.hasFinding(id))
            o.preambleFailed = true;
    }
    // The first failed step says why the probe never reached the handshake.
    for (const StepRecord& s : run.steps) {
        if (s.status == StepStatus::Failed) {
            o.detail = s.summary;
            break;
        }
    }
    if (o.detail.isEmpty() && !run.findings.isEmpty())
        o.detail = run.findings.constFirst().title;
    if (o.detail.isEmpty())
        o.detail = QCoreApplication::translate("TlsProbePool", "The probe ended before the TLS handshake");
    return o;
}

TlsProbePool::TlsProbePool(ProbeOptions base, int concurrency, QObject* parent)
    : QObject(parent)
    , m_base(probeOptions(base))
    , m_concurrency(std::max(1, concurrency))
{
}

TlsProbePool::~TlsProbePool()
{
    m_cancelled = true;
    for (auto& a : m_active) {
        a->session->disconnect(this);
    }
}

ProbeOptions TlsProbePool::probeOptions(const ProbeOptions& user)
{
    ProbeOptions o = user;
    o.stopAfter = StepId::TlsHandshake;
    // Probes never log in and send nothing after the handshake but QUIT: their verdict is about
    // what the server accepts, not about trust, so certificate errors are recorded, not fatal.
    o.insecure = true;
    o.user.clear();
    o.password.clear();
    o.audit = {};
    o.tlsOverrides = {};
    return o;
}

void TlsProbePool::submit(const TlsClientOptions& tls, Callback done)
{
    if (m_cancelled)
        return;
    ++m_submitted;
    m_queue.append({tls, std::move(done)});
    // Queued: a burst of submissions from one callback starts together, in order.
    QMetaObject::invokeMethod(this, &TlsProbePool::pump, Qt::QueuedConnection);
}

void TlsProbePool::cancel()
{
    if (m_cancelled)
        return;
    m_cancelled = true;
    m_queue.clear();
    // cancel() may run inside a probe's own callback: nothing is deleted here, only stopped.
    for (auto& a : m_active) {
        a->session->disconnect(this);
        a->reported = true;
        a->session->cancel();
    }
    m_running = 0;
}

void TlsProbePool::pump()
{
    while (!m_cancelled && m_running < m_concurrency && !m_queue.isEmpty()) {
        Pending next = m_queue.takeFirst();
        ProbeOptions options = m_base;
        options.tlsOverrides = next.tls;
        auto active = std::make_unique<Active>();
        Active* a = active.get();
        a->done = std::move(next.done);
        a->tls = next.tls;
        a->attempt = next.attempt;
        a->session = std::make_unique<ProbeSession>(options);
        connect(a->session.get(), &ProbeSession::stepFinished, this,
                [this, a](int index) { onStepFinished(a, index); });
        connect(a->session.get(), &ProbeSession::finished, this, [this, a] { onSessionFinished(a); });
        m_active.push_back(std::move(active));
        ++m_running;
        a->session->start();
    }
}

void TlsProbePool::onStepFinished(Active* a, int index)
{
    const Run& run = a->session->run();
    if (a->reported || index < 0 || index >= run.steps.size()
        || run.steps.at(index).id != StepId::TlsHandshake)
        return;
    if (run.steps.at(index).status == StepStatus::Skipped)
        return;
    report(a);
    if (m_cancelled || a->session->isFinished())
        return;
    // The answer is in: close now (no QUIT), so the connection does not outlive its slot.
    a->session->disconnect(this);
    a->session->cancel();
    QMetaObject::invokeMethod(
        this, [this, a] { retire(a); }, Qt::QueuedConnection);
}

void TlsProbePool::onSessionFinished(Active* a)
{
    if (!a->reported)
        report(a);
    // Deleting the session from inside its own signal is not allowed: later.
    QMetaObject::invokeMethod(
        this, [this, a] { retire(a); }, Qt::QueuedConnection);
}

void TlsProbePool::report(Active* a)
{
    a->reported = true;
    const ProbeOutcome outcome = outcomeOf(a->session->run());
    qCDebug(lcProbes) << "probe" << a->session->options().tlsOverrides.backendCipherString
                      << a->session->options().tlsOverrides.backendCipherSuites << "->" << int(outcome.kind)
                      << outcome.protocol << outcome.cipher << outcome.detail;
    --m_running;
    if (outcome.kind != ProbeOutcome::Kind::Failed)
        m_answered = true;
    if (outcome.kind == ProbeOutcome::Kind::Failed && !outcome.preambleFailed && !m_cancelled
        && a->attempt + 1 < MaxAttempts) {
        // No TLS answer: maybe the server's connection limit. Fewer at once, a pause, again.
        reduceConcurrency();
        ++m_retries;
        ++m_waitingRetries;
        Pending again {a->tls, std::move(a->done), a->attempt + 1};
        QTimer::singleShot(RetryDelayMs << a->attempt, this, [this, again = std::move(again)]() mutable {
            --m_waitingRetries;
            if (m_cancelled)
                return;
            m_queue.prepend(std::move(again));
            pump();
        });
        pump();
        return;
    }
    ++m_completed;
    ProbeOutcome final = outcome;
    if (final.kind == ProbeOutcome::Kind::Failed && final.closedInHandshake
        && a->attempt + 1 >= MaxAttempts) {
        final.kind = ProbeOutcome::Kind::Rejected;
        final.detail = QCoreApplication::translate("TlsProbePool",
                                                   "the server closed the connection after the ClientHello, "
                                                   "without an alert, on each of %1 tries")
                           .arg(MaxAttempts);
    }
    Callback done = std::move(a->done);
    if (done)
        done(final);
    if (m_cancelled)
        return;
    Q_EMIT progress(m_completed, m_submitted);
    if (outcome.preambleFailed && !m_answered)
        Q_EMIT preambleFailed(outcome.detail);
    if (m_cancelled)
        return;
    pump();
}

void TlsProbePool::retire(Active* a)
{
    for (auto it = m_active.begin(); it != m_active.end(); ++it) {
        if (it->get() == a) {
            if (!a->reported)
                report(a);
            a->session->disconnect(this);
            // The session may be inside one of its own signals (finished()): let the event loop
            // delete it.
            a->session.release()->deleteLater();
            m_active.erase(it);
            return;
        }
    }
}
