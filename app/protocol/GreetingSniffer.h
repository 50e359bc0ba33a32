#pragma once

#include "run/Types.h"

#include <optional>
#include <QByteArray>
#include <QString>

/**
 * Who is talking, judged from the first bytes a server sends: a mail protocol's greeting, or the
 * first words of a protocol that is not mail at all. Pure data in, pure data out, so that the
 * engine can tell "this is IMAP, ask for IMAP" from "this reply is malformed" before a dialect
 * parses the line (and fails on it).
 *
 * Only the opening of each protocol is recognised, as each RFC fixes it:
 *   SMTP  three digits, then a space, a hyphen or the end  (RFC 5321 s.4.2, s.4.3.1: "220 ")
 *   IMAP  "* OK", "* PREAUTH" or "* BYE"                   (RFC 9051 s.7.1, greeting)
 *   POP3  "+OK" or "-ERR"                                   (RFC 1939 s.4, s.3)
 *   HTTP  "HTTP/" and a version (a status line)             (RFC 9112 s.4)
 *   SSH   "SSH-" protoversion "-"                           (RFC 4253 s.4.2)
 *   TLS   a record header: type alert (21) or handshake (22), major version 3 (RFC 8446 s.5.1)
 */
namespace GreetingSniffer {

enum class Speaker
{
    Unknown,
    Smtp,
    Imap,
    Pop3,
    Http,
    Ssh,
    Tls,
};

/// Who the first bytes of a connection (a line, or a partial one without its line ending) come
/// from. Unknown when nothing matches (or too few bytes arrived to tell).
Speaker identify(const QByteArray& firstBytes);

/// True when `bytes` start with a TLS record header (RFC 8446 s.5.1: ContentType alert(21) or
/// handshake(22), ProtocolVersion 3.x with x at most 4). Needs three bytes.
bool looksLikeTlsRecord(const QByteArray& bytes);

/// The mail protocol a speaker is (nullopt for HTTP, SSH, TLS and Unknown).
std::optional<Protocol> mailProtocol(Speaker speaker);

/// True when a greeting from `speaker` cannot be `expected`'s: another mail protocol, or no mail
/// protocol at all. Unknown never counts as foreign (the dialect judges it).
bool isForeign(Speaker speaker, Protocol expected);

/// What is there, in words: "an IMAP server", "a web (HTTP) server", "an SSH server", ...
QString describe(Speaker speaker);

/// Stable key for the speaker ("imap", "http", "ssh", "tls", ...), used in reports.
QString toKey(Speaker speaker);

} // namespace GreetingSniffer
