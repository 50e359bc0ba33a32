#include "TlsAudit.h"

#include "CipherEnumerator.h"
#include "CommandInjectionProbe.h"
#include "findings/FindingCatalogue.h"
#include "tls/CertificateAudit.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSslConfiguration>

Q_LOGGING_CATEGORY(lcAudit, "mailscope.tls.audit", QtInfoMsg)

namespace {

bool wantsVersions(const ProbeOptions::TlsAudit& a) { return a.versions || a.ciphers; }

void addFinding(Run& run, Finding f, StepId step)
{
    if (run.hasFinding(f.id))
        return;
    if (!f.step)
        f.step = step;
    run.findings.append(std::move(f));
}
} // namespace

TlsAudit::TlsAudit(ProbeOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_pool(std::make_unique<TlsProbePool>(m_options))
{
    connect(m_pool.get(), &TlsProbePool::progress, this, [this](int done, int total) {
        const int extra = m_injection ? 1 : 0;
        const int extraDone = m_injection && m_injection->isFinished() ? 1 : 0;
        Q_EMIT progress(done + extraDone, total + extra);
    });
    connect(m_pool.get(), &TlsProbePool::preambleFailed, this, &TlsAudit::onPreambleFailed);
}

void TlsAudit::onPreambleFailed(const QString& why)
{
    // Every probe starts with the same conversation: one that cannot reach TLS stops the audit
    // at once instead of running each probe into the same timeout.
    if (m_finished)
        return;
    const QStringList parts = unfinishedParts();
    for (const QString& part : parts)
        m_result.untested.append(tr("%1: not run, the conversation before TLS failed (%2)").arg(part, why));
    m_pool->cancel();
    if (m_injection)
        m_injection->disconnect(this);
    finish();
}

TlsAudit::~TlsAudit()
{
    // Enumerators hold callbacks into the pool: the pool goes first, silently.
    m_pool->cancel();
}

void TlsAudit::start()
{
    if (m_started)
        return;
    m_started = true;
    m_clock.start();
    const ProbeOptions::TlsAudit& a = m_options.audit;
    // Parts are counted before any starts, so that a part ending at once cannot finish the audit.
    m_pendingParts = 1;
    if (wantsVersions(a)) {
        for (TlsVersion v : CipherSuites::allVersions())
            probeVersion(v);
    }
    if (a.ciphers) {
        // The two current versions start at once; older ones only once the server accepts them.
        enumerate(TlsVersion::V1_3);
        enumerate(TlsVersion::V1_2);
    }
    if (a.ocsp || a.versions)
        probeOcsp();
    if (a.commandInjection)
        probeInjection();
    // "0 of N" at once: against a slow server the first probe may take seconds to complete.
    Q_EMIT progress(probesDone(), probesStarted());
    partDone();
}

void TlsAudit::cancel()
{
    if (m_finished)
        return;
    if (!m_started) {
        // Stopped before it began (the check ended first): finished, with nothing done.
        m_started = true;
        m_result.unfinished = {tr("the whole TLS audit (not started)")};
        finish();
        return;
    }
    // What the report must call unfinished, before the pool forgets its probes.
    m_result.unfinished = unfinishedParts();
    m_pool->cancel();
    if (m_injection)
        m_injection->disconnect(this);
    finish();
}

QStringList TlsAudit::unfinishedParts() const
{
    QStringList parts;
    if (!m_started || m_finished)
        return m_finished ? m_result.unfinished : parts;
    const ProbeOptions::TlsAudit& a = m_options.audit;
    if (wantsVersions(a)) {
        for (TlsVersion v : CipherSuites::allVersions()) {
            const QString name = CipherSuites::versionName(v);
            if (!m_result.versions.contains(name))
                parts.append(tr("%1 version probe").arg(name));
        }
    }
    for (const auto& e : m_enumerators) {
        if (!e->isFinished())
            parts.append(tr("cipher enumeration for %1").arg(CipherSuites::versionName(e->version())));
    }
    if ((a.ocsp || a.versions) && m_result.ocsp.isEmpty())
        parts.append(tr("OCSP stapling probe"));
    if (m_injection && !m_injection->isFinished())
        parts.append(tr("command-injection probe"));
    return parts;
}

int TlsAudit::probesDone() const
{
    return m_pool->completed() + (m_injection && m_injection->isFinished() ? 1 : 0);
}

int TlsAudit::probesStarted() const { return m_pool->submitted() + (m_injection ? 1 : 0); }

void TlsAudit::probeVersion(TlsVersion version)
{
    const QString name = CipherSuites::versionName(version);
    QString why;
    if (!CipherSuites::localSupport(version, &why)) {
        m_result.versions.insert(
            name, {QStringLiteral("unavailable-locally"), tr("Not testable from this machine: %1").arg(why)});
        Q_EMIT versionDone(name);
        return;
    }
    ++m_pendingParts;
    TlsClientOptions tls;
    tls.protocol = CipherSuites::qtProtocol(version);
    tls.backendCipherString = CipherSuites::probeCipherString();
    m_pool->submit(tls, [this, version](const ProbeOutcome& o) { onVersionOutcome(version, o); });
}

void TlsAudit::onVersionOutcome(TlsVersion version, const ProbeOutcome& o)
{
    const QString name = CipherSuites::versionName(version);
    switch (o.kind) {
    case ProbeOutcome::Kind::Accepted:
        m_result.versions.insert(name, {QStringLiteral("accepted"), o.cipher});
        // The newest accepted version's chain stands for the server's certificate.
        if (!o.certificates.isEmpty() && (!m_result.chainProbe || m_result.chainProbe->protocol < o.protocol))
            m_result.chainProbe = o;
        if (m_options.audit.ciphers && (version == TlsVersion::V1_0 || version == TlsVersion::V1_1))
            enumerate(version);
        break;
    case ProbeOutcome::Kind::Rejected: {
        // "Error during SSL handshake: error:0A00042E:SSL routines::tlsv1 alert protocol version"
        // says "tlsv1 alert protocol version" (the alert) in its last part.
        const qsizetype at = o.detail.lastIndexOf(QLatin1String("::"));
        m_result.versions.insert(name,
                                 {QStringLiteral("rejected"), at >= 0 ? o.detail.mid(at + 2) : o.detail});
        break;
    }
    case ProbeOutcome::Kind::Failed:
        m_result.versions.insert(name, {QStringLiteral("unknown"), o.detail});
        m_result.untested.append(tr("%1 version probe: %2").arg(name, o.detail));
        break;
    }
    Q_EMIT versionDone(name);
    partDone();
}

void TlsAudit::enumerate(TlsVersion version)
{
    ++m_pendingParts;
    auto enumerator = std::make_unique<CipherEnumerator>(version, m_pool.get());
    CipherEnumerator* e = enumerator.get();
    connect(e, &CipherEnumerator::finished, this, [this, e] {
        const QString name = CipherSuites::versionName(e->version());
        if (!e->accepted().isEmpty()) {
            m_result.ciphers.insert(name, e->accepted());
            m_result.cipherOrder.insert(name, e->order());
        }
        if (!e->problems().isEmpty()) {
            m_result.untested.append(tr("cipher enumeration for %1: %n probe(s) got no TLS answer (%2)",
                                        nullptr, int(e->problems().size()))
                                         .arg(name, e->problems().constFirst()));
        }
        partDone();
    });
    m_enumerators.push_back(std::move(enumerator));
    e->start();
}

void TlsAudit::probeOcsp()
{
    ++m_pendingParts;
    TlsClientOptions tls;
    tls.requestOcspStapling = true;
    tls.backendCipherString = CipherSuites::probeCipherString();
    m_pool->submit(tls, [this](const ProbeOutcome& o) {
        if (o.kind == ProbeOutcome::Kind::Accepted) {
            m_result.ocsp = o.facts.ocspStatus.isEmpty() ? QStringLiteral("none") : o.facts.ocspStatus;
        } else if (o.detail.contains(QLatin1String("OCSP"), Qt::CaseInsensitive)) {
            // Some backends fail the handshake on a missing staple (QT-NOTES.md): that is "none".
            m_result.ocsp = QStringLiteral("none");
            m_result.ocspDetail = o.detail;
        } else {
            m_result.ocsp = QStringLiteral("error");
            m_result.ocspDetail = o.detail;
        }
        partDone();
    });
}

void TlsAudit::probeInjection()
{
    ++m_pendingParts;
    ProbeOptions options = TlsProbePool::probeOptions(m_options);
    m_injection = std::make_unique<CommandInjectionProbe>(options);
    connect(m_injection.get(), &CommandInjectionProbe::finished, this, [this] {
        m_result.injection = CommandInjectionProbe::toKey(m_injection->verdict());
        m_result.injectionDetail = m_injection->detail();
        m_result.injectionTranscript = m_injection->transcript();
        Q_EMIT progress(m_pool->completed() + 1, m_pool->submitted() + 1);
        partDone();
    });
    m_injection->start();
}

void TlsAudit::partDone()
{
    if (m_finished || --m_pendingParts > 0)
        return;
    finish();
}

void TlsAudit::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_result.probes = m_pool->submitted() + (m_injection ? 1 : 0);
    m_result.retries = m_pool->retries();
    m_result.durationMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    qCDebug(lcAudit).noquote() << QStringLiteral("TLS audit of %1:%2: %3 probes in %4 ms")
                                      .arg(m_options.host)
                                      .arg(m_options.port)
                                      .arg(m_result.probes)
                                      .arg(m_result.durationMs);
    Q_EMIT finished();
}

void TlsAudit::mergeInto(Run& run) const { merge(m_result, m_options, run); }

void TlsAudit::merge(const TlsAuditResult& r, const ProbeOptions& options, Run& run)
{
    TlsAuditInfo info;
    // The main connection's own handshake is the strongest evidence there is: whatever a probe
    // said, the version it negotiated is accepted.
    const QString negotiated = run.tls ? run.tls->protocol : QString();
    QStringList untested = r.untested;
    for (auto it = r.versions.cbegin(); it != r.versions.cend(); ++it) {
        if (it.key() == negotiated && it->status != QLatin1String("accepted")) {
            run.tlsVersions.insert(it.key(), QStringLiteral("accepted"));
            info.versionDetails.insert(it.key(), tr("negotiated by the main connection (the probe: %1)")
                                                     .arg(it->detail.isEmpty() ? it->status : it->detail));
            untested.removeIf([&](const QString& u) { return u.startsWith(it.key() + QLatin1Char(' ')); });
            continue;
        }
        run.tlsVersions.insert(it.key(), it->status);
        info.versionDetails.insert(it.key(), it->detail);
    }
    info.untested = untested;
    for (auto it = r.ciphers.cbegin(); it != r.ciphers.cend(); ++it) {
        run.ciphers.insert(it.key(), it.value());
        QStringList weak;
        for (const QString& c : it.value()) {
            const QString why = CipherSuites::weakness(c, it.key());
            if (!why.isEmpty())
                weak.append(QStringLiteral("%1 (%2)").arg(c, why));
        }
        if (!weak.isEmpty())
            info.weakCiphers.insert(it.key(), weak);
    }
    info.cipherOrder = r.cipherOrder;
    info.commandInjection = r.injection;
    info.commandInjectionDetail = r.injectionDetail;
    info.ocsp = r.ocsp;
    info.probeCount = r.probes;
    info.durationMs = r.durationMs;
    info.unfinished = r.unfinished;

    if (!untested.isEmpty())
        addFinding(
            run, FindingCatalogue::make(FindingIds::TlsAuditIncomplete, untested.join(QStringLiteral("; "))),
            StepId::TlsHandshake);

    // ---- version findings ----
    QStringList legacy;
    for (const QString& v : {QStringLiteral("TLSv1.0"), QStringLiteral("TLSv1.1")}) {
        if (run.tlsVersions.value(v) == QLatin1String("accepted"))
            legacy.append(v);
    }
    if (!legacy.isEmpty()) {
        addFinding(run,
                   FindingCatalogue::make(FindingIds::TlsLegacyVersionAccepted,
                                          tr("Accepted: %1").arg(legacy.join(QStringLiteral(", ")))),
                   StepId::TlsHandshake);
    }
    const TlsVersionOutcome v13 = r.versions.value(QStringLiteral("TLSv1.3"));
    if (run.tlsVersions.value(QStringLiteral("TLSv1.3")) == QLatin1String("rejected"))
        addFinding(run, FindingCatalogue::make(FindingIds::Tls13NotSupported, v13.detail),
                   StepId::TlsHandshake);
    // Evidence grouped by reason: "TLSv1.0 - CBC with SHA-1 on TLS 1.0: A, B; anonymous: C".
    QStringList weakAll;
    for (auto it = r.ciphers.cbegin(); it != r.ciphers.cend(); ++it) {
        QStringList reasons;
        QMap<QString, QStringList> byReason;
        for (const QString& c : it.value()) {
            const QString why = CipherSuites::weakness(c, it.key());
            if (why.isEmpty())
                continue;
            if (!byReason.contains(why))
                reasons.append(why);
            byReason[why].append(c);
        }
        QStringList parts;
        for (const QString& why : std::as_const(reasons))
            parts.append(QStringLiteral("%1: %2").arg(why, byReason.value(why).join(QStringLiteral(", "))));
        if (!parts.isEmpty())
            weakAll.append(QStringLiteral("%1 - %2").arg(it.key(), parts.join(QStringLiteral("; "))));
    }
    if (!weakAll.isEmpty())
        addFinding(run,
                   FindingCatalogue::make(FindingIds::TlsWeakCipher, weakAll.join(QStringLiteral(" | "))),
                   StepId::TlsHandshake);

    // ---- command injection ----
    if (r.injection == QLatin1String("vulnerable"))
        addFinding(run, FindingCatalogue::make(FindingIds::StartTlsCommandInjection, r.injectionDetail),
                   StepId::StartTls);

    // ---- certificates: the main session's chain, or the probes' when it saw none ----
    if (run.certificates.isEmpty() && r.chainProbe) {
        run.certificates = r.chainProbe->certificates;
        for (const Finding& f : r.chainProbe->certificateFindings)
            addFinding(run, f, StepId::TlsHandshake);
    }
    if (!run.certificates.isEmpty()) {
        QList<QSslCertificate> anchors = QSslConfiguration::defaultConfiguration().caCertificates();
        anchors += options.extraCaCertificates;
        const QList<QSslCertificate> chain = CertificateAudit::certificatesOf(run.certificates);
        for (Finding& f : CertificateAudit::audit(chain, run.certificates, anchors))
            addFinding(run, std::move(f), StepId::TlsHandshake);
    }

    // ---- OCSP ----
    if (!r.ocsp.isEmpty()) {
        if (run.tls && r.ocsp != QLatin1String("error")) {
            run.tls->ocspStapled = r.ocsp != QLatin1String("none");
            run.tls->ocspStatus = r.ocsp;
        }
        if (r.ocsp == QLatin1String("revoked"))
            addFinding(run, FindingCatalogue::make(FindingIds::OcspRevoked), StepId::TlsHandshake);
    }
    run.tlsAudit = info;
}
