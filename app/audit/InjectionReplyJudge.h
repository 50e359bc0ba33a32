#pragma once

#include "run/Types.h"

#include <QByteArray>
#include <QList>
#include <QString>

/**
 * Decides, from what a server sends inside TLS, whether it answered the command that the
 * CommandInjectionProbe smuggled in behind STARTTLS. Pure logic over lines, bounded, no sockets.
 *
 * After the handshake the probe sends exactly one command (QUIT, IMAP LOGOUT), so a server owes
 * exactly one reply inside TLS; a vulnerable one owes two, the injected command's first (it was
 * queued first). Only a reply that can be attributed to the injected command counts; anything
 * that cannot be attributed (a second greeting, a flood, more replies than commands) never makes
 * the server "vulnerable":
 *
 *   SMTP  NOOP is answered by 250 or an error, QUIT by 221 (RFC 5321 s.4.3.2).
 *         [221] not vulnerable; [NOOP's reply, 221] vulnerable; [anything else, 221] (a second
 *         220 greeting) not vulnerable, the extra reply noted; two replies and no 221 yet, or
 *         more than one before it: inconclusive.
 *   IMAP  the injected command carries its own tag (RFC 9051 s.2.2.1): a completion with that tag
 *         is proof; LOGOUT's completion without it: not vulnerable. Untagged data is ignored.
 *   POP3  NOOP is not valid before login, so it gets -ERR (RFC 1939 s.3); QUIT gets +OK.
 *         [+OK] not vulnerable; [-ERR, +OK] vulnerable; [+OK, +OK] (a second greeting, or a
 *         server that accepted NOOP against RFC 1939) and anything else: inconclusive.
 *
 * Bounds: more than MaxLines lines or MaxBytes bytes is a flood: inconclusive, stop reading.
 */
class InjectionReplyJudge final
{
public:
    enum class Verdict
    {
        Undecided,
        Vulnerable,
        NotVulnerable,
        Inconclusive
    };

    /// Lines and bytes read inside TLS before the server counts as flooding (a real server sends
    /// one or two short lines; an IMAP server a few untagged ones).
    static constexpr int MaxLines = 64;
    static constexpr qsizetype MaxBytes = 16 * 1024;

    /// `injectedTag` and `quitTag`: the IMAP tags of the injected command and of LOGOUT.
    explicit InjectionReplyJudge(Protocol protocol, QByteArray injectedTag = {}, QByteArray quitTag = {});

    /// One line received inside TLS (without its line ending). Returns the verdict once it is
    /// decided; Undecided means: read on.
    Verdict feed(const QByteArray& line);
    /// The server closed the connection (`closed`), or the time ran out: decide on what arrived.
    Verdict end(bool closed);
    /// A line longer than the transport accepts arrived: a flood.
    Verdict overflowed();

    Verdict verdict() const { return m_verdict; }
    /// Why: the reply that proves it, or what could not be attributed.
    QString detail() const { return m_detail; }
    int linesSeen() const { return m_lines; }
    qint64 bytesSeen() const { return m_bytes; }

private:
    struct SmtpReply
    {
        int code = 0;
        QByteArray line; ///< the last (status) line
    };

    Verdict feedSmtp(const QByteArray& line);
    Verdict feedImap(const QByteArray& line);
    Verdict feedPop3(const QByteArray& line);
    Verdict decide(Verdict verdict, const QString& detail);
    Verdict endSmtp(bool closed);
    Verdict endPop3(bool closed);
    /// Notes a line that answers nothing the probe sent (kept for the detail).
    void noteUnasked(const QByteArray& line);
    QString unaskedNote() const;

    Protocol m_protocol;
    QByteArray m_injectedTag;
    QByteArray m_quitTag;
    Verdict m_verdict = Verdict::Undecided;
    QString m_detail;
    int m_lines = 0;
    qint64 m_bytes = 0;

    QList<SmtpReply> m_smtpReplies; ///< complete SMTP replies, in order (at most 2 before deciding)
    int m_smtpPendingCode = 0; ///< the code of an SMTP multi-line reply in progress; 0: none
    QList<QByteArray> m_pop3Status; ///< POP3 status lines, in order (at most 2 before deciding)
    QByteArray m_firstUnasked;
    int m_unasked = 0;
};
