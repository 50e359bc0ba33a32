#pragma once

#include <optional>
#include <QString>

/// Host and port from "host", "host:port", "[v6]:port" or a bare IPv6 address.
struct HostPort
{
    QString host;
    std::optional<quint16> port;
};

/**
 * Syntax checks for a server the user typed, before anything is looked up: a host name
 * (RFC 1123 s.2.1 labels: letters, digits and hyphens, 1 to 63 characters, not starting or ending
 * with a hyphen, 253 characters in all; an internationalised name is checked in its ACE form,
 * RFC 5891; one trailing dot for a fully qualified name is fine), a dotted-quad IPv4 address or
 * an IPv6 address (bracketed when a port follows, RFC 3986 s.3.2.2).
 */
class HostSyntax final
{
public:
    /// Empty when `host` is a valid name or address, else why not (one sentence).
    static QString problem(const QString& host);
    /// Splits and checks "host[:port]"; nullopt (with `error`) on anything malformed, such as an
    /// empty or zero port, a port past 65535, or a host name with a space in it.
    static std::optional<HostPort> parse(const QString& text, QString* error);
};
