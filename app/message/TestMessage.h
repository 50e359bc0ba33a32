#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

/// One file attached to a test message: the name the recipient sees, its bytes and, optionally,
/// its MIME type ("type/subtype"; application/octet-stream when empty).
struct MessageAttachment
{
    QString fileName;
    QByteArray data;
    QByteArray mimeType;
};

/// A header the user adds ("X-Test-Id: 42"); checked before it reaches the message.
struct MessageHeader
{
    QByteArray name;
    QString value;
};

/// How the message travelled, for the default body text; every field is plain text the session
/// already knows (an empty TLS version means the connection was not encrypted).
struct DeliveryDescription
{
    QString tool;
    QDateTime when;
    QString server;
    QString tlsVersion;
    QString cipher;
    QString certificate;
};

/// Everything build() decides besides the content; defaults suit a real send.
struct MessageBuildOptions
{
    /// The Date header (RFC 5322 s.3.6.1); the current time when invalid.
    QDateTime date;
    /// Refuse (as an error value) any message whose input or output is larger than this.
    qint64 maxBytes = 64 * 1024 * 1024;
};

/// The built message, or why it could not be built (then `bytes` is empty).
struct BuiltMessage
{
    QByteArray bytes;
    /// With the angle brackets, as in the header: "<hex@example.org>".
    QByteArray messageId;
    /// An address has a non-ASCII local part or domain (RFC 6531): the headers then carry raw
    /// UTF-8 (RFC 6532) and the server must offer SMTPUTF8. Otherwise every byte is 7 bit.
    bool needsSmtpUtf8 = false;
    QString error;

    bool ok() const { return error.isEmpty(); }
};

/**
 * A test message as the user composes it, and its RFC 5322 form with MIME (RFC 2045-2049):
 * CRLF line endings, no line over 998 octets and header lines folded to 78 where possible,
 * non-ASCII header text as RFC 2047 encoded words, a UTF-8 text/plain body in 7bit,
 * quoted-printable or base64 (whichever is valid and smallest), attachments in base64 inside
 * multipart/mixed with RFC 2231 file names. Addresses are "local@domain" or
 * "Display Name <local@domain>"; internationalised addresses are reported (needsSmtpUtf8), not
 * encoded, because there is no 7-bit form of them.
 */
struct TestMessage
{
    QString from;
    QStringList to;
    QStringList cc;
    QString subject;
    QString body;
    QList<MessageAttachment> attachments;
    QList<MessageHeader> extraHeaders;

    static constexpr int MaxRecipients = 1000;
    static constexpr int MaxExtraHeaders = 100;
    static constexpr int MaxAttachments = 100;
    static constexpr int MaxHeaderChars = 2000;

    BuiltMessage build(const MessageBuildOptions& options = {}) const;

    /// The addr-spec of an address ("Bob <bob@example.org>" -> "bob@example.org"), empty when
    /// the address is malformed (with `error`).
    static QString addrSpec(const QString& address, QString* error = nullptr);
    /// Envelope recipients (RCPT TO): the addr-specs of To and Cc, in order.
    QStringList recipients() const;
    /// Empty when `name: value` may be added as an extra header, else why not.
    static QString headerProblem(const QByteArray& name, const QString& value);

    /// The message as it goes after DATA: RFC 5321 s.4.5.2, a line that starts with "." gets a
    /// second one. The terminating "<CRLF>.<CRLF>" is the sender's to add.
    static QByteArray dotStuffed(const QByteArray& message);

    /// The default body: which tool sent it, when, through which server, over which TLS.
    static QString defaultBody(const DeliveryDescription& delivery);
};
