#pragma once

#include <optional>
#include <QString>

/// The small vocabulary every layer shares: protocols, TLS modes, policies, steps, statuses.
/// Each enum has a stable string form used in the JSON report, the CLI and tests.

enum class Protocol
{
    Smtp,
    Imap,
    Pop3
};
enum class TlsMode
{
    StartTls,
    Implicit,
    None
};
enum class TlsPolicy
{
    Enforce,
    Opportunistic
};

/// Stable step ids (ARCHITECTURE.md, "The conversation").
enum class StepId
{
    Resolve,
    Connect,
    TlsHandshake,
    Banner,
    Greeting,
    StartTls,
    GreetingTls,
    Auth,
    MailFrom,
    RcptTo,
    Data,
    Quit,
};

enum class StepStatus
{
    Pending,
    Running,
    Ok,
    Warning,
    Failed,
    Skipped
};
enum class Severity
{
    Info,
    Warning,
    Critical
};
enum class Verdict
{
    Ok,
    Warning,
    Critical,
    Unknown
};

QString toKey(Protocol p);
QString toKey(TlsMode m);
QString toKey(TlsPolicy p);
QString toKey(StepId s);
QString toKey(StepStatus s);
QString toKey(Severity s);
QString toKey(Verdict v);

std::optional<Protocol> protocolFromString(const QString& s);
std::optional<TlsMode> tlsModeFromString(const QString& s);
std::optional<TlsPolicy> policyFromString(const QString& s);
std::optional<StepId> stepIdFromString(const QString& s);
std::optional<StepStatus> stepStatusFromString(const QString& s);
std::optional<Severity> severityFromString(const QString& s);
std::optional<Verdict> verdictFromString(const QString& s);

/// Upper-case display name of a protocol ("SMTP").
QString displayName(Protocol p);
/// Default protocol and TLS mode for a well-known port (465/993/995 implicit, 143 IMAP, ...).
Protocol defaultProtocolForPort(quint16 port);
TlsMode defaultTlsModeForPort(quint16 port);
quint16 defaultPort(Protocol p, TlsMode m);
