#pragma once

#include "message/TestMessage.h"
#include "protocol/Reply.h"

#include <optional>
#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

/// What `send` (or the send pane) asks of a run besides the check: the message and how to send it.
struct SendOptions
{
    TestMessage message;
    /// PIPELINING (RFC 2920) when the server offers it (--pipelining auto); off: lock-step.
    bool pipelining = true;
    /// CHUNKING/BDAT (RFC 3030) instead of DATA when the server offers it (--bdat).
    bool bdat = false;
    /// DSN NOTIFY (RFC 3461 s.4.1), e.g. "SUCCESS,FAILURE" or "NEVER"; empty: no DSN parameters.
    QByteArray dsnNotify;
    /// REQUIRETLS (RFC 8689): the message may only travel over verified TLS; refused when not offered.
    bool requireTls = false;
};

/**
 * The message transaction of one SMTP run (RFC 5321 s.3.3), as data and decisions, without a
 * socket: which commands go out with which parameters (SIZE, BODY, SMTPUTF8, DSN, REQUIRETLS),
 * whether the envelope may be pipelined, what the DATA/BDAT payload is, what the transcript shows
 * of it, and what a reply means (refusal kinds, the queue id). ProbeSession drives it
 * (ProbeSessionMessage.cpp).
 */
class MessageTransaction final
{
public:
    /// Why the transaction cannot start; the finding id and the sentence for the step.
    struct Problem
    {
        QString findingId;
        QString detail;
    };

    /// `capabilities`: the EHLO keywords in force (after TLS, the re-read ones).
    MessageTransaction(SendOptions options, QStringList capabilities);

    /// Builds the message (the default body describes `delivery` when no body is given) and
    /// checks it against what the server offers. Nothing may be sent when this returns a problem.
    std::optional<Problem> prepare(const DeliveryDescription& delivery);

    const BuiltMessage& built() const { return m_built; }
    QStringList recipients() const { return m_recipients; }
    /// Whether the envelope (MAIL, every RCPT and DATA) goes in one write (RFC 2920).
    bool pipelined() const { return m_pipelined; }
    bool usesBdat() const { return m_bdat; }

    QByteArray mailFromCommand() const;
    QByteArray rcptCommand(int index) const;
    /// DATA, or nothing with BDAT (the chunk goes with its command, dataPayload()).
    static QByteArray dataCommand() { return QByteArrayLiteral("DATA\r\n"); }
    /// After 354: the dot-stuffed message and "<CRLF>.<CRLF>" (RFC 5321 s.4.1.1.4). With BDAT: the
    /// command "BDAT n LAST" and the message as it is (RFC 3030 s.2). All of it at once: the
    /// concatenation of every payloadChunk().
    QByteArray dataPayload() const;

    /// How much of the message one payload chunk carries: a few of them wait in the socket at most.
    static constexpr qsizetype PayloadChunkBytes = 64 * 1024;
    /// The wire bytes for the message bytes [from, from + length) of dataPayload(), built from the
    /// message itself so that a large message is never copied whole: dot-stuffed (a line start
    /// is known from the byte before `from`), the first BDAT chunk led by its command, the last
    /// DATA chunk ending with ".". The bytes are identical to dataPayload() cut at `from`.
    QByteArray payloadChunk(qint64 from, qint64 length = PayloadChunkBytes) const;
    /// The message's size: payloadChunk() positions run from 0 to this.
    qint64 messageSize() const { return m_built.bytes.size(); }
    /// The transcript's stand-in for the payload: the header lines as sent, then one line that
    /// says what was left out (size and parts), so a 25 MB message costs a few lines.
    QStringList transcriptLines() const;
    /// A one-line description of the message ("12,345 bytes, 3 MIME parts").
    QString sizeSummary() const;
    /// Notes on choices the server's capabilities forced (DSN not offered, 7-bit encoding...).
    QStringList notes() const { return m_notes; }

    /// The queue id in a final 250 reply ("queued as 4Xyz", "id=1abc-...", "<id> Message
    /// accepted"); empty when the reply names none.
    static QString queueIdFrom(const Reply& reply);
    /// The finding id for a refused RCPT: greylisting (450/451 that says so, RFC 6647), too many
    /// recipients (452, X.5.3), another temporary failure (e.g. 452 4.3.1 insufficient storage),
    /// relay denied, unknown user (RFC 3463 X.1.1) or another refusal.
    static QString recipientFinding(const Reply& reply);
    /// The SIZE limit announced in `capabilities` (RFC 1870 s.4); 0 when none or unlimited.
    static qint64 sizeLimit(const QStringList& capabilities);

private:
    bool offers(const char* keyword) const;

    SendOptions m_options;
    QStringList m_capabilities;
    BuiltMessage m_built;
    QStringList m_recipients;
    QByteArray m_from;
    QStringList m_notes;
    bool m_pipelined = false;
    bool m_bdat = false;
    bool m_smtpUtf8 = false;
    bool m_eightBit = false;
    bool m_dsn = false;
    bool m_requireTls = false;
};
