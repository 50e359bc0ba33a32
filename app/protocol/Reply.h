#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

/// One complete server reply: every line as received, and the protocol's verdict on it.
struct Reply
{
    QList<QByteArray> lines;
    int code = 0; ///< SMTP reply code; 0 for IMAP and POP3
    bool positive = false; ///< SMTP 2xx/3xx, IMAP tagged OK, POP3 +OK
    /// The server asks for more in an exchange (SMTP 334, IMAP and POP3 "+ " continuation);
    /// never `positive` at the same time.
    bool continuation = false;
    /// The reply's text without codes, tags or continuation marks, lines joined by " / ".
    QString text;
    /// The line that carries the status (SMTP: the last line; IMAP: the tagged line).
    QByteArray statusLine() const { return lines.isEmpty() ? QByteArray() : lines.constLast(); }
};
