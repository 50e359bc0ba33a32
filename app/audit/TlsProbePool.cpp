#include "TlsProbePool.h"

#include "findings/FindingCatalogue.h"
#include "RawHelloProbe.h"
#include "session/ProbeSession.h"

#include <algorithm>
#include <QCoreApplication>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcProbes, "mailscope.tls.probes", QtInfoMsg)

struct TlsProbePool::Active
{
    std::unique_ptr<ProbeSession> session; ///< a handshake probe
    std::unique_ptr<RawHelloProbe> raw; ///< or a raw probe
    Pending job;
    bool reported = false;
    int epoch = 0; ///< TlsProbePool::m_epoch when it started
    QObject* probe() const { return session ? static_cast<QObject*>(session.get()) : raw.get(); }
};

ProbeOutcome outcomeOf(const RawProbeResult& raw)
{
    ProbeOutcome o;
    o.durationMs = raw.durationMs;
    o.detail = raw.detail;
    switch (raw.kind) {
    case RawProbeResult::Kind::ServerHello:
        o.kind = ProbeOutcome::Kind::Accepted;
        o.answer = raw.answer;
        o.protocol = ServerHelloParser::versionName(raw.answer.hello.version);
        break;
    case RawProbeResult::Kind::Alert:
        o.kind = ProbeOutcome::Kind::Rejected;
        o.answer = raw.answer;
        break;
    case RawProbeResult::Kind::Failed:
        o.kind = ProbeOutcome::Kind::Failed;
        o.preambleFailed = raw.preambleFailed;
        o.closedInHandshake = raw.closedInHandshake;
        o.limited = raw.limited;
        break;
    }
    return o;
}

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
        o.limited = !answered && timedOut;
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
    o.limited = !o.preambleFailed;
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
    for (auto& a : m_active)
        a->probe()->disconnect(this);
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

void TlsProbePool::submit(const TlsClientOptions& tls, Callback done, Lane lane)
{
    Pending p;
    p.tls = tls;
    p.done = std::move(done);
    p.lane = lane;
    enqueue(std::move(p));
}

void TlsProbePool::submitRaw(const QByteArray& hello, ServerHelloParser::Depth depth, Callback done,
                             Lane lane)
{
    Pending p;
    p.hello = hello;
    p.depth = depth;
    p.done = std::move(done);
    p.lane = lane;
    enqueue(std::move(p));
}

void TlsProbePool::enqueue(Pending p)
{
    if (m_cancelled)
        return;
    ++m_submitted;
    if (p.lane == Lane::Gating) {
        // After the gating probes (and retries) already waiting, before the first ordinary one.
        const auto firstNormal = std::find_if(m_queue.begin(), m_queue.end(),
                                              [](const Pending& q) { return q.lane == Lane::Normal; });
        m_queue.insert(firstNormal, std::move(p));
    } else {
        m_queue.append(std::move(p));
    }
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
        a->probe()->disconnect(this);
        a->reported = true;
        if (a->session)
            a->session->cancel();
        else
            a->raw->cancel();
    }
    m_running = 0;
}

void TlsProbePool::pump()
{
    while (!m_cancelled && m_running < m_concurrency && !m_queue.isEmpty()) {
        auto active = std::make_unique<Active>();
        Active* a = active.get();
        a->job = m_queue.takeFirst();
        a->epoch = m_epoch;
        if (a->job.hello.isEmpty()) {
            ProbeOptions options = m_base;
            options.tlsOverrides = a->job.tls;
            a->session = std::make_unique<ProbeSession>(options);
            connect(a->session.get(), &ProbeSession::stepFinished, this,
                    [this, a](int index) { onStepFinished(a, index); });
            connect(a->session.get(), &ProbeSession::finished, this, [this, a] { onSessionFinished(a); });
        } else {
            a->raw = std::make_unique<RawHelloProbe>(m_base, a->job.hello, a->job.depth);
            connect(a->raw.get(), &RawHelloProbe::finished, this, [this, a] { onSessionFinished(a); });
        }
        m_active.push_back(std::move(active));
        ++m_running;
        if (a->session)
            a->session->start();
        else
            a->raw->start();
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
    // Deleting the probe from inside its own signal is not allowed: later.
    QMetaObject::invokeMethod(
        this, [this, a] { retire(a); }, Qt::QueuedConnection);
}

void TlsProbePool::report(Active* a)
{
    a->reported = true;
    const ProbeOutcome outcome = a->session ? outcomeOf(a->session->run()) : outcomeOf(a->raw->result());
    qCDebug(lcProbes) << "probe" << (a->session ? "handshake" : "raw") << a->job.tries << "->"
                      << int(outcome.kind) << outcome.protocol << outcome.cipher << outcome.detail
                      << outcome.durationMs << "ms, running" << m_running << "of" << m_concurrency;
    --m_running;
    if (outcome.kind != ProbeOutcome::Kind::Failed)
        m_answered = true;
    if (outcome.kind == ProbeOutcome::Kind::Failed && !outcome.preambleFailed && !m_cancelled) {
        // No TLS answer: maybe the server's connection limit. Halve the bound, but once per
        // burst: only a probe started after the last reduction lowers it again; the others were
        // started under a bound already corrected (issue 11: halving on every failure in a burst
        // of 30 refusals would drop straight to one).
        bool boundWasWrong = false;
        if (outcome.limited) {
            if (a->epoch == m_epoch && m_concurrency > 1) {
                reduceConcurrency();
                boundWasWrong = true;
            } else if (a->epoch < m_epoch) {
                boundWasWrong = true;
            }
        }
        const int counted = a->job.attempt + (boundWasWrong ? 0 : 1);
        if (counted < MaxAttempts) {
            ++m_retries;
            ++m_waitingRetries;
            Pending again = std::move(a->job);
            again.attempt = counted;
            const int pause = RetryDelayMs << std::min(again.tries, 4);
            ++again.tries;
            QTimer::singleShot(pause, this, [this, again = std::move(again)]() mutable {
                --m_waitingRetries;
                if (m_cancelled)
                    return;
                m_queue.prepend(std::move(again));
                pump();
            });
            pump();
            return;
        }
    }
    finishProbe(a, outcome);
}

void TlsProbePool::finishProbe(Active* a, const ProbeOutcome& outcome)
{
    ++m_completed;
    ProbeOutcome final = outcome;
    if (final.kind == ProbeOutcome::Kind::Failed && final.closedInHandshake) {
        final.kind = ProbeOutcome::Kind::Rejected;
        final.detail = QCoreApplication::translate("TlsProbePool",
                                                   "the server closed the connection after the ClientHello, "
                                                   "without an alert, on each of %1 tries")
                           .arg(MaxAttempts);
    }
    Callback done = std::move(a->job.done);
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
            a->probe()->disconnect(this);
            // The probe may be inside one of its own signals (finished()): let the event loop
            // delete it.
            if (a->session)
                a->session.release()->deleteLater();
            else
                a->raw.release()->deleteLater();
            m_active.erase(it);
            return;
        }
    }
}
