#pragma once

#include "run/Run.h"
#include "session/ProbeOptions.h"

#include <functional>
#include <memory>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QString>
#include <QTimer>

class ProbeSession;

/// What one handshake probe saw.
struct ProbeOutcome
{
    enum class Kind
    {
        Accepted, ///< the handshake completed
        Rejected, ///< the server refused the handshake (alert, or closed during it)
        Failed, ///< the probe never got as far as a handshake (connection, STARTTLS, timeout)
    };
    Kind kind = Kind::Failed;
    QString protocol; ///< negotiated ("TLSv1.2")
    QString cipher; ///< negotiated OpenSSL name
    QString detail; ///< the TLS library's words for a rejection, or why the probe failed
    TlsFacts facts; ///< when accepted
    QList<CertificateInfo> certificates; ///< when accepted: the chain as presented, inspected
    QList<Finding> certificateFindings; ///< when accepted: the cert-* findings of that chain
    qint64 durationMs = 0;
};

/**
 * Runs handshake probes with a bound on how many run at once. Each probe is a ProbeSession with
 * the real preamble of its protocol (banner, greeting, STARTTLS) and `stopAfter` TLS handshake;
 * the outcome is reported as soon as the handshake step ends, and the session then says QUIT on
 * its own time (it is cut off after a short grace period) while the slot goes to the next probe.
 *
 * Probes send nothing after the handshake but QUIT, so they continue past certificate errors
 * (their verdict does not depend on trust), and they never authenticate.
 */
class TlsProbePool final : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const ProbeOutcome&)>;

    static constexpr int DefaultConcurrency = 8;
    /// How long a probe may take for its QUIT after the handshake before it is cut off.
    static constexpr int QuitGraceMs = 2000;

    explicit TlsProbePool(ProbeOptions base, int concurrency = DefaultConcurrency, QObject* parent = nullptr);
    ~TlsProbePool() override;
    Q_DISABLE_COPY_MOVE(TlsProbePool)

    /// The options every probe starts from: the user's target, trust anchors and timeout, with
    /// stopAfter = TLS handshake, no credentials, verification errors recorded but not fatal.
    static ProbeOptions probeOptions(const ProbeOptions& user);
    const ProbeOptions& baseOptions() const { return m_base; }

    /// Queues a probe with these TLS settings; `done` runs on the event loop with its outcome.
    void submit(const TlsClientOptions& tls, Callback done);
    /// Drops everything queued and stops every running probe; no callback runs afterwards.
    void cancel();

    int submitted() const { return m_submitted; }
    int completed() const { return m_completed; }
    int running() const { return m_running; }
    bool isIdle() const { return m_running == 0 && m_queue.isEmpty(); }

Q_SIGNALS:
    /// A probe finished; the pool is idle when completed() == submitted().
    void progress(int completed, int submitted);

private:
    struct Pending
    {
        TlsClientOptions tls;
        Callback done;
    };
    struct Active;

    void pump();
    void onStepFinished(Active* active, int index);
    void onSessionFinished(Active* active);
    void report(Active* active);
    void retire(Active* active);

    ProbeOptions m_base;
    int m_concurrency;
    QList<Pending> m_queue;
    std::vector<std::unique_ptr<Active>> m_active;
    int m_running = 0;
    int m_submitted = 0;
    int m_completed = 0;
    bool m_cancelled = false;
};

/// Reads a finished (or handshake-complete) probe run.
ProbeOutcome outcomeOf(const Run& run);
