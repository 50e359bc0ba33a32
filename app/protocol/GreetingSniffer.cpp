#include "GreetingSniffer.h"

#include <QCoreApplication>

namespace GreetingSniffer {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool startsWithNoCase(const QByteArray& bytes, const char* prefix)
{
    return bytes.startsWith(prefix) || bytes.left(qsizetype(qstrlen(prefix))).toUpper() == prefix;
}

} // namespace

bool looksLikeTlsRecord(const QByteArray& bytes)
{
    if (bytes.size() < 3)
        return false;
    const auto type = quint8(bytes.at(0));
    const auto major = quint8(bytes.at(1));
    const auto minor = quint8(bytes.at(2));
    // 21 alert, 22 handshake: what a TLS server sends first (a ServerHello or an alert).
    return (type == 21 || type == 22) && major == 3 && minor <= 4;
}

Speaker identify(const QByteArray& firstBytes)
{
    const QByteArray& b = firstBytes;
    if (looksLikeTlsRecord(b))
        return Speaker::Tls;
    if (b.startsWith("SSH-"))
        return Speaker::Ssh;
    if (b.startsWith("HTTP/") && b.size() > 5 && isDigit(b.at(5)))
        return Speaker::Http;
    // IMAP atoms are case-insensitive (RFC 9051 s.9, "Note 1"), so "* ok" counts too.
    if (startsWithNoCase(b, "* OK") || startsWithNoCase(b, "* PREAUTH") || startsWithNoCase(b, "* BYE"))
        return Speaker::Imap;
    if (b.startsWith("+OK") || b.startsWith("-ERR"))
        return Speaker::Pop3;
    if (b.size() >= 3 && isDigit(b.at(0)) && isDigit(b.at(1)) && isDigit(b.at(2))
        && (b.size() == 3 || b.at(3) == ' ' || b.at(3) == '-'))
        return Speaker::Smtp;
    return Speaker::Unknown;
}

std::optional<Protocol> mailProtocol(Speaker speaker)
{
    switch (speaker) {
    case Speaker::Smtp:
        return Protocol::Smtp;
    case Speaker::Imap:
        return Protocol::Imap;
    case Speaker::Pop3:
        return Protocol::Pop3;
    case Speaker::Unknown:
    case Speaker::Http:
    case Speaker::Ssh:
    case Speaker::Tls:
        break;
    }
    return std::nullopt;
}

bool isForeign(Speaker speaker, Protocol expected)
{
    if (speaker == Speaker::Unknown)
        return false;
    return mailProtocol(speaker) != expected;
}

QString describe(Speaker speaker)
{
    switch (speaker) {
    case Speaker::Smtp:
        return QCoreApplication::translate("GreetingSniffer", "an SMTP server");
    case Speaker::Imap:
        return QCoreApplication::translate("GreetingSniffer", "an IMAP server");
    case Speaker::Pop3:
        return QCoreApplication::translate("GreetingSniffer", "a POP3 server");
    case Speaker::Http:
        return QCoreApplication::translate("GreetingSniffer", "a web (HTTP) server");
    case Speaker::Ssh:
        return QCoreApplication::translate("GreetingSniffer", "an SSH server");
    case Speaker::Tls:
        return QCoreApplication::translate("GreetingSniffer", "a TLS server (it expects TLS at once)");
    case Speaker::Unknown:
        break;
    }
    return QCoreApplication::translate("GreetingSniffer", "an unknown service");
}

QString toKey(Speaker speaker)
{
    switch (speaker) {
    case Speaker::Smtp:
        return QStringLiteral("smtp");
    case Speaker::Imap:
        return QStringLiteral("imap");
    case Speaker::Pop3:
        return QStringLiteral("pop3");
    case Speaker::Http:
        return QStringLiteral("http");
    case Speaker::Ssh:
        return QStringLiteral("ssh");
    case Speaker::Tls:
        return QStringLiteral("tls");
    case Speaker::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

} // namespace GreetingSniffer
