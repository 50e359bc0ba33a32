#pragma once

#include "run/Run.h"
#include "session/ProbeOptions.h"
#include "tls/ServerHelloParser.h"

#include <functional>
#include <memory>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QString>
#include <QTimer>

class ProbeSession;
class RawHelloProbe;

/// What one handshake probe saw.
struct ProbeOutcome
{
    enum class Kind
    {
        Accepted, ///< the handshake completed
        /// The server answered and refused: a TLS alert, or a ServerHello that chose another
        /// version or suite (the library's "wrong version number", "no shared cipher").
        Rejected,
        /// No TLS answer: refused, reset, closed before the ServerHello, 421/4xx, a timeout, or
        /// a preamble that failed. Says nothing about what the server accepts.
        Failed,
    };
    Kind kind = Kind::Failed;
    /// Failed because the conversation before TLS cannot work (a silent server, another
    /// protocol, implicit TLS on a STARTTLS port, no STARTTLS): retrying cannot help.
    bool preambleFailed = false;
    /// Failed because the server hung up after the ClientHello, with no alert. The pool retries
    /// it; when every try ends so (at lowered concurrency, while the preamble worked each time),
    /// that is the server's answer and the outcome becomes Rejected, saying so.
    bool closedInHandshake = false;
    QString protocol; ///< negotiated ("TLSv1.2")
    QString cipher; ///< negotiated OpenSSL name
    QString detail; ///< the TLS library's words for a rejection, or why the probe failed
    TlsFacts facts; ///< when accepted
    QList<CertificateInfo> certificates; ///< when accepted: the chain as presented, inspected
    QList<Finding> certificateFindings; ///< when accepted: the cert-* findings of that chain
    /// Raw probes (submitRaw()): the server's answer. Accepted means a ServerHello came (which
    /// version and suite it chose is the caller's to judge), Rejected an alert.
    std::optional<ServerAnswer> answer;
    /// Failed the way a server at its connection limit fails (refused, reset, 421/4xx, closed or
    /// silent before the answer): the pool lowers its concurrency.
    bool limited = false;
    qint64 durationMs = 0;
};

/**
 * Runs probes with ONE bound on how many run at once (a server's per-client limit counts every
 * connection): handshake probes, each a ProbeSession with the real preamble of its protocol
 * (banner, greeting, STARTTLS) and `stopAfter` TLS handshake, and raw probes (RawHelloProbe: the
 * same preamble, then the audit's own ClientHello and the server's first answer only);
 * the outcome is reported as soon as the handshake step ends and the connection is closed at
 * once (no QUIT, no grace period): a server that limits connections per client sees at most the
 * concurrency bound, never lingering connections on top of it.
 *
 * Probes send nothing after the handshake but QUIT, so they continue past certificate errors
 * (their verdict does not depend on trust), and they never authenticate.
 */
class TlsProbePool final : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const ProbeOutcome&)>;

    /// Raw probes cost one round trip after the preamble and hold their connection only that
    /// long: a full audit of a stock server needs about two hundred of them, so the bound starts
    /// high (below Postfix's default per-client limit of 50, smtpd_client_connection_count_limit,
    /// with the main connection beside it) and comes down as soon as the server shows a limit
    /// (refusals, 421/4xx, see report()).
    static constexpr int DefaultConcurrency = 48;
    /// A probe without a TLS answer is tried this often in all, each time after a longer pause
    /// (RetryDelayMs, doubled), before its outcome stays Failed. A try that failed while the
    /// concurrency was being lowered because of it (the server's limit) does not count: it is
    /// the bound that was wrong, and it is corrected before the probe runs again.
    static constexpr int MaxAttempts = 3;
    static constexpr int RetryDelayMs = 200;

    explicit TlsProbePool(ProbeOptions base, int concurrency = DefaultConcurrency, QObject* parent = nullptr);
    ~TlsProbePool() override;
    Q_DISABLE_COPY_MOVE(TlsProbePool)

    /// The options every probe starts from: the user's target, trust anchors and timeout, with
    /// stopAfter = TLS handshake, no credentials, verification errors recorded but not fatal.
    static ProbeOptions probeOptions(const ProbeOptions& user);
    const ProbeOptions& baseOptions() const { return m_base; }

    /// Where a probe queues. Gating probes decide what else must run (a version's first probe,
    /// a class of suites whose members are tried one by one once it answers): they go ahead of
    /// every ordinary probe still queued, so that the work they open starts a round earlier.
    enum class Lane
    {
        Normal,
        Gating,
    };

    /// Queues a probe with these TLS settings; `done` runs on the event loop with its outcome.
    void submit(const TlsClientOptions& tls, Callback done, Lane lane = Lane::Normal);
    /// Queues a raw probe that sends `hello` (a whole record, or an SSL 2.0 CLIENT-HELLO) after
    /// the preamble and reads the answer to `depth`.
    void submitRaw(const QByteArray& hello, ServerHelloParser::Depth depth, Callback done,
                   Lane lane = Lane::Normal);
    /// Drops everything queued and stops every running probe; no callback runs afterwards.
    void cancel();

    /// Halves how many probes run at once (not below one): the server refused connections or
    /// answered 421/4xx. Probes already running go on.
    void reduceConcurrency()
    {
        m_concurrency = std::max(1, m_concurrency / 2);
        ++m_epoch;
    }
    int concurrency() const { return m_concurrency; }

    /// Probes tried again after they got no TLS answer.
    int retries() const { return m_retries; }
    int submitted() const { return m_submitted; }
    int completed() const { return m_completed; }
    int running() const { return m_running; }
    bool isIdle() const { return m_running == 0 && m_queue.isEmpty() && m_waitingRetries == 0; }

Q_SIGNALS:
    /// A probe finished; the pool is idle when completed() == submitted().
    void progress(int completed, int submitted);
    /// The preamble failed before any probe got a TLS answer (a silent server, another
    /// protocol, implicit TLS on a STARTTLS port): every other probe would fail the same way.
    /// Emitted after that probe's callback; the pool goes on unless its owner cancels it.
    void preambleFailed(const QString& why);

private:
    struct Pending
    {
        TlsClientOptions tls;
        Callback done;
        int attempt = 0; ///< tries that counted (see MaxAttempts)
        int tries = 0; ///< all tries (the pause grows with them)
        QByteArray hello; ///< raw probes: the ClientHello; empty for handshake probes
        ServerHelloParser::Depth depth = ServerHelloParser::Depth::ServerHello;
        Lane lane = Lane::Normal;
    };
    struct Active;

    void enqueue(Pending pending);

    void pump();
    void onStepFinished(Active* active, int index);
    void onSessionFinished(Active* active);
    void report(Active* active);
    void finishProbe(Active* active, const ProbeOutcome& outcome);
    void retire(Active* active);

    ProbeOptions m_base;
    int m_concurrency;
    QList<Pending> m_queue;
    std::vector<std::unique_ptr<Active>> m_active;
    int m_running = 0;
    int m_submitted = 0;
    int m_completed = 0;
    int m_retries = 0;
    int m_waitingRetries = 0; ///< retries waiting for their pause to end
    /// Counts reductions of the concurrency: a failure of a probe started before the last one
    /// is already answered by it, so one burst of refusals halves the bound once, not per probe.
    int m_epoch = 0;
    bool m_answered = false; ///< some probe got a TLS answer (accepted or rejected)
    bool m_cancelled = false;
};

/// Reads a finished (or handshake-complete) probe run.
ProbeOutcome outcomeOf(const Run& run);

struct RawProbeResult;
/// Reads a finished raw probe.
ProbeOutcome outcomeOf(const RawProbeResult& raw);
