#pragma once

#include "run/Types.h"

#include <QByteArray>
#include <QString>

/**
 * Translates a server's refusal into plain words: SMTP reply and enhanced status codes
 * (RFC 4954, RFC 3463, RFC 5248), IMAP response codes (RFC 5530) and POP3 response codes
 * (RFC 2449, RFC 3206). One place for the mapping, so the engine, reports and GUI agree.
 */
class ReplyExplainer final
{
public:
    /// What `statusLine` (the line that carries the verdict) means, in one sentence; empty when
    /// the reply holds nothing Mailscope knows.
    static QString explain(Protocol protocol, const QByteArray& statusLine);

    /// The enhanced status code ("5.7.8") at the start of an SMTP reply's text, if any.
    static QByteArray enhancedCode(const QByteArray& smtpLine);
    /// The first response code of an IMAP or POP3 line ("AUTHENTICATIONFAILED", "SYS/TEMP"), upper-case.
    static QByteArray responseCode(const QByteArray& line);

private:
    static QString explainSmtp(const QByteArray& line);
    static QString explainImap(const QByteArray& line);
    static QString explainPop3(const QByteArray& line);
};
