#pragma once

#include "session/ProbeOptions.h"
#include "tls/CipherSuites.h"
#include "TlsProbePool.h"

#include <memory>
#include <optional>
#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QStringList>

class RawCipherEnumerator;
class CommandInjectionProbe;

/// One row of the version matrix.
struct TlsVersionOutcome
{
    /// "accepted", "rejected" (a TLS alert, or a ServerHello choosing another version),
    /// or "unknown" (no TLS answer even after retries: detail says why). ("unavailable-locally"
    /// came from the handshake probes of earlier versions, which depended on the local library.)
    QString status;
    /// The negotiated cipher when accepted; the alert or error text; why it is not testable here.
    QString detail;
};

/// Everything the audit found, before it is merged into a Run.
struct TlsAuditResult
{
    /// By "TLSv1.0" ... "TLSv1.3", always; "SSLv2" and "SSLv3" only when accepted or unknown (a
    /// refused SSL version is the normal case and needs no row).
    QMap<QString, TlsVersionOutcome> versions;
    QMap<QString, QStringList> ciphers; ///< accepted, in the server's order when it has one
    QMap<QString, QString> cipherOrder; ///< "server", "client", "unknown"
    /// Per version (also "SSLv2", "SSLv3"): every accepted suite with what the raw probe saw
    /// (DH size, group), in the same order as `ciphers`; merge() derives names, ratings and
    /// findings from it through CipherSuiteTable.
    QMap<QString, QList<AcceptedSuite>> suites;
    /// Per version: the key-exchange groups the server accepts (TlsAuditInfo::groups).
    QMap<QString, QStringList> groups;
    /// An accepted version probe: the chain as presented, seen at security level 0 (so also a
    /// chain the main session's library refused, e.g. RSA 1024 or SHA-1).
    std::optional<ProbeOutcome> chainProbe;
    QString ocsp; ///< "good", "revoked", "unknown", "none", "error"; empty when not probed
    QString ocspDetail;
    QString injection; ///< CommandInjectionProbe::toKey(); empty when not probed
    QString injectionDetail;
    QStringList injectionTranscript;
    /// Parts still running when the audit was cancelled, in words (see TlsAudit::unfinishedParts()).
    QStringList unfinished;
    /// What could not be tested and why, in words ("TLSv1.1 version probe: Connection refused");
    /// non-empty makes the audit incomplete (finding tls-audit-incomplete, verdict UNKNOWN).
    QStringList untested;
    int probes = 0;
    int retries = 0;
    qint64 durationMs = 0;
};

/**
 * The TLS audit beside a check: the version matrix (SSLv2, SSLv3, TLS 1.0 ... 1.3), every cipher
 * suite per accepted version with its order and the key-exchange groups, the certificate audit
 * over the presented chain, a stapled-OCSP probe and the STARTTLS command-injection probe, as
 * switched on in ProbeOptions::audit.
 *
 * Versions and suites are found with raw probes (RawHelloProbe: the real STARTTLS preamble of the
 * protocol, then the audit's own ClientHello, and only the server's first answer is read), so
 * they do not depend on what the local TLS library can offer. One real handshake probe
 * (ProbeSession) gets what needs a completed handshake: the chain as presented and the stapled
 * OCSP response. Every probe runs in one TlsProbePool, so the audit costs a few round trips more
 * than a check rather than the sum. Merge when both are done: mergeInto() adds tlsVersions,
 * ciphers, findings (with step ids) and the certificate audit to that run.
 *
 * Version verdicts: accepted iff the server answered that version's hello with a ServerHello of
 * that version; an alert or a ServerHello with another version is "rejected"; no TLS answer (even
 * after retries) is "unknown" with the reason, and listed in `untested`.
 */
class TlsAudit final : public QObject
{
    Q_OBJECT

public:
    explicit TlsAudit(ProbeOptions options, QObject* parent = nullptr);
    ~TlsAudit() override;
    Q_DISABLE_COPY_MOVE(TlsAudit)

    void start();
    void cancel();
    bool isRunning() const { return m_started && !m_finished; }
    bool isFinished() const { return m_finished; }
    const TlsAuditResult& result() const { return m_result; }
    const ProbeOptions& options() const { return m_options; }
    /// The parts not finished yet, in words ("TLSv1.0 version probe", "cipher enumeration for
    /// TLSv1.2", "OCSP stapling probe", "command-injection probe"); empty once all are done.
    QStringList unfinishedParts() const;
    /// Probes completed so far and probes started so far.
    int probesDone() const;
    int probesStarted() const;

    /// Adds the audit's results to `run` (the main session's): tlsVersions, ciphers, tlsAudit,
    /// OCSP facts, the certificate audit, and findings that are not there yet.
    void mergeInto(Run& run) const;
    /// As mergeInto(), for a result obtained elsewhere (tests, saved data).
    static void merge(const TlsAuditResult& result, const ProbeOptions& options, Run& run);

Q_SIGNALS:
    /// Probes completed so far and probes started so far (the total grows while ciphers are read).
    void progress(int completed, int total);
    /// A row of the version matrix is known.
    void versionDone(const QString& version);
    void finished();

private:
    void probeVersion(quint16 wire);
    void onVersionOutcome(quint16 wire, const ProbeOutcome& outcome);
    /// `answersVersion`: the enumeration's forward probe is the version probe of `wire`.
    void enumerate(quint16 wire, bool answersVersion);
    void probeHandshake();
    void probeInjection();
    void partDone();
    void onPreambleFailed(const QString& why);
    void finish();

    ProbeOptions m_options;
    std::unique_ptr<TlsProbePool> m_pool;
    std::vector<std::unique_ptr<RawCipherEnumerator>> m_enumerators;
    QSet<quint16> m_versionsDone; ///< wire versions whose version probe is done
    QSet<quint16> m_enumerating;
    std::unique_ptr<CommandInjectionProbe> m_injection;
    TlsAuditResult m_result;
    QElapsedTimer m_clock;
    int m_pendingParts = 0;
    bool m_handshakeDone = false;
    bool m_started = false;
    bool m_finished = false;
};
