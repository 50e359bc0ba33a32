#include "AllPortsCheck.h"

#include "findings/FindingCatalogue.h"
#include "protocol/Dialect.h"
#include "run/VerdictOrder.h"

#include <QCoreApplication>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("AllPortsCheck", text); }

/// The certificate's state, most telling first: the reason a user must act on wins.
CertificateVerdict certificateVerdictOf(const Run& run)
{
    if (run.certificates.isEmpty())
        return CertificateVerdict::None;
    if (run.hasFinding(FindingIds::CertExpired))
        return CertificateVerdict::Expired;
    if (run.hasFinding(FindingIds::CertHostnameMismatch))
        return CertificateVerdict::HostnameMismatch;
    if (run.hasFinding(FindingIds::CertSelfSigned))
        return CertificateVerdict::SelfSigned;
    if (run.tls && run.tls->trustedByProfile)
        return CertificateVerdict::TrustedByProfile;
    if (run.tls && run.tls->verified)
        return CertificateVerdict::Trusted;
    return CertificateVerdict::Untrusted;
}

bool stepOk(const Run& run, StepId id)
{
    const StepRecord* s = run.step(id);
    return s && (s->status == StepStatus::Ok || s->status == StepStatus::Warning);
}

} // namespace

QString toKey(PortSecurity security)
{
    switch (security) {
    case PortSecurity::Unreachable:
        return QStringLiteral("unreachable");
    case PortSecurity::Plaintext:
        return QStringLiteral("plaintext");
    case PortSecurity::StartTls:
        return QStringLiteral("starttls");
    case PortSecurity::ImplicitTls:
        return QStringLiteral("implicit-tls");
    case PortSecurity::TlsFailed:
        return QStringLiteral("tls-failed");
    }
    return {};
}

QString toKey(CertificateVerdict verdict)
{
    switch (verdict) {
    case CertificateVerdict::None:
        return QStringLiteral("none");
    case CertificateVerdict::Trusted:
        return QStringLiteral("trusted");
    case CertificateVerdict::TrustedByProfile:
        return QStringLiteral("trusted-by-profile");
    case CertificateVerdict::Expired:
        return QStringLiteral("expired");
    case CertificateVerdict::HostnameMismatch:
        return QStringLiteral("hostname-mismatch");
    case CertificateVerdict::SelfSigned:
        return QStringLiteral("self-signed");
    case CertificateVerdict::Untrusted:
        return QStringLiteral("untrusted");
    }
    return {};
}

QString displayName(PortSecurity security)
{
    switch (security) {
    case PortSecurity::Unreachable:
        return tr("closed");
    case PortSecurity::Plaintext:
        return tr("plaintext");
    case PortSecurity::StartTls:
        return tr("STARTTLS");
    case PortSecurity::ImplicitTls:
        return tr("implicit TLS");
    case PortSecurity::TlsFailed:
        return tr("TLS failed");
    }
    return {};
}

QString displayName(CertificateVerdict verdict)
{
    switch (verdict) {
    case CertificateVerdict::None:
        return tr("-");
    case CertificateVerdict::Trusted:
        return tr("trusted");
    case CertificateVerdict::TrustedByProfile:
        return tr("trusted by profile");
    case CertificateVerdict::Expired:
        return tr("expired");
    case CertificateVerdict::HostnameMismatch:
        return tr("wrong host name");
    case CertificateVerdict::SelfSigned:
        return tr("self-signed");
    case CertificateVerdict::Untrusted:
        return tr("not trusted");
    }
    return {};
}

PortRow PortRow::fromRun(const MailService& service, const Run& run)
{
    PortRow row;
    row.service = service;
    row.connectedPort = run.target.port;
    row.reachable = stepOk(run, StepId::Connect);
    row.verdict = run.verdict();
    if (!row.reachable)
        return row;
    const bool tlsUp =
        run.tls.has_value() && !run.tls->protocol.isEmpty() && stepOk(run, StepId::TlsHandshake);
    if (tlsUp)
        row.security =
            run.target.tls == TlsMode::Implicit ? PortSecurity::ImplicitTls : PortSecurity::StartTls;
    else if (run.step(StepId::TlsHandshake) && run.step(StepId::TlsHandshake)->status == StepStatus::Failed)
        row.security = PortSecurity::TlsFailed;
    else
        row.security = PortSecurity::Plaintext;
    row.tlsVersion = tlsUp ? run.tls->protocol : QString();
    row.certificate = certificateVerdictOf(run);
    row.authBeforeTls = Dialect::create(run.target.protocol, QByteArray())->offersAuth(run.capabilitiesPlain);
    return row;
}

QList<MailService> AllPortsCheck::standardServices()
{
    return {
        {25, Protocol::Smtp, TlsMode::StartTls}, // RFC 5321 relay
        {465, Protocol::Smtp, TlsMode::Implicit}, // RFC 8314 s.3.3 submissions
        {587, Protocol::Smtp, TlsMode::StartTls}, // RFC 6409 submission
        {2525, Protocol::Smtp, TlsMode::StartTls}, // common alternative submission port (no RFC)
        {143, Protocol::Imap, TlsMode::StartTls}, // RFC 9051
        {993, Protocol::Imap, TlsMode::Implicit}, // RFC 8314 s.3.3
        {110, Protocol::Pop3, TlsMode::StartTls}, // RFC 1939, STLS RFC 2595
        {995, Protocol::Pop3, TlsMode::Implicit}, // RFC 8314 s.3.3
    };
}

AllPortsCheck::AllPortsCheck(const ProbeOptions& base, const QMap<quint16, quint16>& portMap, int deadlineMs,
                             QObject* parent)
    : QObject(parent)
    , m_services(standardServices())
{
    for (int i = 0; i < count(); ++i) {
        const MailService& s = m_services.at(i);
        CheckOptions options;
        options.probe = base;
        options.probe.port = portMap.value(s.port, s.port);
        options.probe.protocol = s.protocol;
        options.probe.tls = s.tls;
        options.deadlineMs = deadlineMs;
        auto runner = std::make_unique<CheckRunner>(options);
        connect(runner.get(), &CheckRunner::finished, this, [this, i] { onRunnerFinished(i); });
        connect(runner.get(), &CheckRunner::stepFinished, this, [this, i] { Q_EMIT rowChanged(i); });
        m_runners.push_back(std::move(runner));
    }
}

AllPortsCheck::~AllPortsCheck() = default;

void AllPortsCheck::start()
{
    if (m_started)
        return;
    m_started = true;
    m_pending = count();
    // All at once: the runners share this thread's event loop (ARCHITECTURE: no socket threads),
    // each waits on its own server, so the total is about the slowest port.
    for (const auto& runner : m_runners)
        runner->start();
}

void AllPortsCheck::cancel()
{
    for (const auto& runner : m_runners) {
        if (runner->isRunning())
            runner->cancel();
    }
}

const Run& AllPortsCheck::run(int i) const { return m_runners.at(std::size_t(i))->run(); }

bool AllPortsCheck::isRowFinished(int i) const { return m_runners.at(std::size_t(i))->isFinished(); }

PortRow AllPortsCheck::row(int i) const { return PortRow::fromRun(m_services.at(i), run(i)); }

void AllPortsCheck::onRunnerFinished(int index)
{
    --m_pending;
    Q_EMIT rowFinished(index);
    if (m_pending == 0)
        Q_EMIT finished();
}

Verdict AllPortsCheck::worstVerdict() const
{
    QList<PortRow> rows;
    for (int i = 0; i < count(); ++i)
        rows.append(row(i));
    return worstVerdict(rows);
}

Verdict AllPortsCheck::worstVerdict(const QList<PortRow>& rows)
{
    std::optional<Verdict> worst;
    for (const PortRow& r : rows) {
        if (!r.reachable)
            continue;
        worst = worst ? worseVerdict(*worst, r.verdict) : r.verdict;
    }
    return worst.value_or(Verdict::Critical);
}
