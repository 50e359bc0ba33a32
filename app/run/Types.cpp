#include "Types.h"

#include <array>
#include <utility>

namespace {

template<typename E, std::size_t N>
QString lookup(const std::array<std::pair<E, const char*>, N>& table, E value)
{
    for (const auto& [e, name] : table) {
        if (e == value)
            return QString::fromLatin1(name);
    }
    return {};
}

template<typename E, std::size_t N>
std::optional<E> reverse(const std::array<std::pair<E, const char*>, N>& table, const QString& s)
{
    for (const auto& [e, name] : table) {
        if (s.compare(QLatin1String(name), Qt::CaseInsensitive) == 0)
            return e;
    }
    return std::nullopt;
}

constexpr std::array protocols {
    std::pair {Protocol::Smtp, "smtp"},
    std::pair {Protocol::Imap, "imap"},
    std::pair {Protocol::Pop3, "pop3"},
};
constexpr std::array tlsModes {
    std::pair {TlsMode::StartTls, "starttls"},
    std::pair {TlsMode::Implicit, "implicit"},
    std::pair {TlsMode::None, "none"},
};
constexpr std::array policies {
    std::pair {TlsPolicy::Enforce, "enforce"},
    std::pair {TlsPolicy::Opportunistic, "opportunistic"},
};
constexpr std::array steps {
    std::pair {StepId::Resolve, "resolve"},
    std::pair {StepId::Connect, "connect"},
    std::pair {StepId::TlsHandshake, "tls-handshake"},
    std::pair {StepId::Banner, "banner"},
    std::pair {StepId::Greeting, "greeting"},
    std::pair {StepId::StartTls, "starttls"},
    std::pair {StepId::GreetingTls, "greeting-tls"},
    std::pair {StepId::Auth, "auth"},
    std::pair {StepId::MailFrom, "mail-from"},
    std::pair {StepId::RcptTo, "rcpt-to"},
    std::pair {StepId::Data, "data"},
    std::pair {StepId::Quit, "quit"},
};
constexpr std::array statuses {
    std::pair {StepStatus::Pending, "pending"}, std::pair {StepStatus::Running, "running"},
    std::pair {StepStatus::Ok, "ok"},           std::pair {StepStatus::Warning, "warning"},
    std::pair {StepStatus::Failed, "failed"},   std::pair {StepStatus::Skipped, "skipped"},
};
constexpr std::array severities {
    std::pair {Severity::Info, "info"},
    std::pair {Severity::Warning, "warning"},
    std::pair {Severity::Critical, "critical"},
};
constexpr std::array verdicts {
    std::pair {Verdict::Ok, "ok"},
    std::pair {Verdict::Warning, "warning"},
    std::pair {Verdict::Critical, "critical"},
    std::pair {Verdict::Unknown, "unknown"},
};

} // namespace

QString toKey(Protocol p) { return lookup(protocols, p); }
QString toKey(TlsMode m) { return lookup(tlsModes, m); }
QString toKey(TlsPolicy p) { return lookup(policies, p); }
QString toKey(StepId s) { return lookup(steps, s); }
QString toKey(StepStatus s) { return lookup(statuses, s); }
QString toKey(Severity s) { return lookup(severities, s); }
QString toKey(Verdict v) { return lookup(verdicts, v); }

std::optional<Protocol> protocolFromString(const QString& s) { return reverse(protocols, s); }
std::optional<TlsMode> tlsModeFromString(const QString& s) { return reverse(tlsModes, s); }
std::optional<TlsPolicy> policyFromString(const QString& s) { return reverse(policies, s); }
std::optional<StepId> stepIdFromString(const QString& s) { return reverse(steps, s); }
std::optional<StepStatus> stepStatusFromString(const QString& s) { return reverse(statuses, s); }
std::optional<Severity> severityFromString(const QString& s) { return reverse(severities, s); }
std::optional<Verdict> verdictFromString(const QString& s) { return reverse(verdicts, s); }

QString displayName(Protocol p) { return toKey(p).toUpper(); }

Protocol defaultProtocolForPort(quint16 port)
{
    switch (port) {
    case 143:
    case 993:
        return Protocol::Imap;
    case 110:
    case 995:
        return Protocol::Pop3;
    default:
        return Protocol::Smtp;
    }
}

TlsMode defaultTlsModeForPort(quint16 port)
{
    switch (port) {
    case 465:
    case 993:
    case 995:
        return TlsMode::Implicit;
    default:
        return TlsMode::StartTls;
    }
}

quint16 defaultPort(Protocol p, TlsMode m)
{
    const bool implicit = m == TlsMode::Implicit;
    switch (p) {
    case Protocol::Smtp:
        return implicit ? 465 : 25;
    case Protocol::Imap:
        return implicit ? 993 : 143;
    case Protocol::Pop3:
        return implicit ? 995 : 110;
    }
    return 25;
}
