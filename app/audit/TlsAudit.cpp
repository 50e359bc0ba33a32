#include "TlsAudit.h"

#include "CommandInjectionProbe.h"
#include "findings/FindingCatalogue.h"
#include "RawCipherEnumerator.h"
#include "tls/CertificateAudit.h"
#include "tls/CipherSuiteTable.h"
#include "tls/ClientHello.h"
#include "tls/ServerHelloParser.h"
#include "TlsSuiteFindings.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSslConfiguration>

Q_LOGGING_CATEGORY(lcAudit, "mailscope.tls.audit", QtInfoMsg)

namespace {

bool wantsVersions(const ProbeOptions::TlsAudit& a) { return a.versions || a.ciphers; }

/// Every version the matrix probes, oldest first.
const QList<quint16>& matrixVersions()
{
    static const QList<quint16> v = {WireVersion::SslV2, WireVersion::SslV3, WireVersion::Tls10,
                                     WireVersion::Tls11, WireVersion::Tls12, WireVersion::Tls13};
    return v;
}

bool isSsl(quint16 wire) { return wire < WireVersion::Tls10; }

/// The SSL 2.0 CLIENT-HELLO: every SSLv2 cipher kind of the registry.
QByteArray sslV2Hello()
{
    QList<quint32> kinds;
    for (const CipherSuiteInfo& s : CipherSuiteTable::all()) {
        if (s.sslV2)
            kinds.append(s.code);
    }
    QByteArray challenge(16, '\0');
    QRandomGenerator::global()->generate(challenge.begin(), challenge.end());
    return ClientHello::sslV2(kinds, challenge);
}

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
    // The handshake probe first: it takes the longest (a whole handshake).
    if (a.ocsp || wantsVersions(a))
        probeHandshake();
    if (a.ciphers) {
        // Each TLS version's enumeration starts with a probe offering all its suites, which is
        // also its version probe: one probe less per version, and its suites a round earlier.
        // SSLv3 only once the server accepts it (it almost never does).
        for (quint16 v : {WireVersion::Tls13, WireVersion::Tls12, WireVersion::Tls11, WireVersion::Tls10})
            enumerate(v, true);
    }
    if (wantsVersions(a)) {
        for (quint16 v : matrixVersions()) {
            if (!a.ciphers || isSsl(v))
                probeVersion(v);
        }
    }
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
        for (quint16 v : matrixVersions()) {
            if (!m_versionsDone.contains(v))
                parts.append(tr("%1 version probe").arg(ServerHelloParser::versionName(v)));
        }
    }
    for (const auto& e : m_enumerators) {
        if (!e->isFinished())
            parts.append(
                tr("cipher enumeration for %1").arg(ServerHelloParser::versionName(e->wireVersion())));
    }
    if ((a.ocsp || a.versions) && m_result.ocsp.isEmpty())
        parts.append(tr("OCSP stapling probe"));
    else if (a.ciphers && !a.versions && !a.ocsp && !m_handshakeDone)
        parts.append(tr("certificate chain probe"));
    if (m_injection && !m_injection->isFinished())
        parts.append(tr("command-injection probe"));
    return parts;
}

int TlsAudit::probesDone() const
{
    return m_pool->completed() + (m_injection && m_injection->isFinished() ? 1 : 0);
}

int TlsAudit::probesStarted() const { return m_pool->submitted() + (m_injection ? 1 : 0); }

void TlsAudit::probeVersion(quint16 wire)
{
    ++m_pendingParts;
    const QByteArray hello =
        wire == WireVersion::SslV2
            ? sslV2Hello()
            : RawCipherEnumerator::hello(wire, CipherSuiteTable::offerable(wire), m_options.host.toUtf8());
    m_pool->submitRaw(hello, ServerHelloParser::Depth::ServerHello,
                      [this, wire](const ProbeOutcome& o) { onVersionOutcome(wire, o); });
}

void TlsAudit::onVersionOutcome(quint16 wire, const ProbeOutcome& o)
{
    const QString name = ServerHelloParser::versionName(wire);
    m_versionsDone.insert(wire);
    const ServerHelloInfo* hello =
        o.kind == ProbeOutcome::Kind::Accepted && o.answer ? &o.answer->hello : nullptr;
    if (hello && hello->version == wire
        && (wire != WireVersion::SslV2 || !hello->sslV2CipherKinds.isEmpty())) {
        if (wire == WireVersion::SslV2) {
            // An SSL 2.0 SERVER-HELLO lists every cipher kind the server has in common with us.
            QList<AcceptedSuite> suites;
            QStringList names;
            for (quint32 kind : hello->sslV2CipherKinds) {
                suites.append(AcceptedSuite {kind, 0, {}});
                const CipherSuiteInfo* s = CipherSuiteTable::findSslV2(kind);
                names.append(s ? CipherSuiteTable::displayName(*s)
                               : QStringLiteral("0x%1").arg(kind, 6, 16, QLatin1Char('0')));
            }
            m_result.versions.insert(name, {QStringLiteral("accepted"), names.join(QStringLiteral(", "))});
            if (m_options.audit.ciphers) {
                m_result.suites.insert(name, suites);
                m_result.ciphers.insert(name, names);
                m_result.cipherOrder.insert(name, QStringLiteral("unknown"));
            }
        } else {
            const CipherSuiteInfo* s = CipherSuiteTable::find(hello->cipher);
            m_result.versions.insert(
                name, {QStringLiteral("accepted"),
                       s ? CipherSuiteTable::displayName(*s)
                         : QStringLiteral("0x%1").arg(hello->cipher, 4, 16, QLatin1Char('0'))});
            if (m_options.audit.ciphers && !m_enumerating.contains(wire))
                enumerate(wire, false);
        }
    } else if (o.kind != ProbeOutcome::Kind::Failed) {
        // An alert, or a ServerHello that chose another version: refused. A refused SSL version
        // is the normal case and gets no row.
        if (!isSsl(wire)) {
            const QString detail =
                hello ? tr("the server chose %1 instead").arg(ServerHelloParser::versionName(hello->version))
                      : o.detail;
            m_result.versions.insert(name, {QStringLiteral("rejected"), detail});
        }
    } else {
        m_result.versions.insert(name, {QStringLiteral("unknown"), o.detail});
        m_result.untested.append(tr("%1 version probe: %2").arg(name, o.detail));
    }
    if (m_result.versions.contains(name))
        Q_EMIT versionDone(name);
    partDone();
}

void TlsAudit::enumerate(quint16 wire, bool answersVersion)
{
    ++m_pendingParts;
    m_enumerating.insert(wire);
    auto enumerator = std::make_unique<RawCipherEnumerator>(wire, m_options.host.toUtf8(), m_pool.get());
    RawCipherEnumerator* e = enumerator.get();
    if (answersVersion) {
        ++m_pendingParts;
        connect(e, &RawCipherEnumerator::versionAnswered, this,
                [this, wire](const ProbeOutcome& o) { onVersionOutcome(wire, o); });
    }
    connect(e, &RawCipherEnumerator::finished, this, [this, e] {
        const QString name = ServerHelloParser::versionName(e->wireVersion());
        const QList<AcceptedSuite> suites = e->suites();
        if (!suites.isEmpty()) {
            QStringList names;
            for (const AcceptedSuite& s : suites) {
                const CipherSuiteInfo* info = CipherSuiteTable::find(quint16(s.code));
                names.append(info ? CipherSuiteTable::displayName(*info)
                                  : QStringLiteral("0x%1").arg(s.code, 4, 16, QLatin1Char('0')));
            }
            m_result.suites.insert(name, suites);
            m_result.ciphers.insert(name, names);
            m_result.cipherOrder.insert(name, e->order());
            if (!e->groups().isEmpty())
                m_result.groups.insert(name, e->groups());
            qCDebug(lcAudit) << name << names.size() << "suites," << e->order() << "order, groups"
                             << e->groups();
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

void TlsAudit::probeHandshake()
{
    // The one real handshake of the audit: the chain as presented (at security level 0, so also
    // a chain the main session's library refused) and the stapled OCSP response.
    ++m_pendingParts;
    TlsClientOptions tls;
    tls.requestOcspStapling = true;
    tls.backendCipherString = CipherSuites::probeCipherString();
    const bool ocsp = m_options.audit.ocsp || m_options.audit.versions;
    m_pool->submit(
        tls,
        [this, ocsp](const ProbeOutcome& o) {
            m_handshakeDone = true;
            if (o.kind == ProbeOutcome::Kind::Accepted && !o.certificates.isEmpty())
                m_result.chainProbe = o;
            if (ocsp) {
                if (o.kind == ProbeOutcome::Kind::Accepted) {
                    m_result.ocsp =
                        o.facts.ocspStatus.isEmpty() ? QStringLiteral("none") : o.facts.ocspStatus;
                } else if (o.detail.contains(QLatin1String("OCSP"), Qt::CaseInsensitive)) {
                    // Some backends fail the handshake on a missing staple (QT-NOTES.md): that is "none".
                    m_result.ocsp = QStringLiteral("none");
                    m_result.ocspDetail = o.detail;
                } else {
                    m_result.ocsp = QStringLiteral("error");
                    m_result.ocspDetail = o.detail;
                }
            }
            partDone();
        },
        TlsProbePool::Lane::Gating);
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
    // The accepted suites, their ratings and what they are evidence of.
    const QList<Finding> suiteFindings = TlsSuiteFindings::merge(r, run, info);
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
    // ---- SSL 2.0/3.0, suites by class, DH sizes, groups ----
    for (const Finding& f : suiteFindings)
        addFinding(run, f, StepId::TlsHandshake);

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
