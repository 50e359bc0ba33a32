#include "Dialect.h"

#include "ImapDialect.h"
#include "Pop3Dialect.h"
#include "SmtpDialect.h"

#include <QCoreApplication>

Dialect::~Dialect() = default;

std::unique_ptr<Dialect> Dialect::create(Protocol protocol, const QByteArray& heloName)
{
    switch (protocol) {
    case Protocol::Smtp:
        return std::make_unique<SmtpDialect>(heloName);
    case Protocol::Imap:
        return std::make_unique<ImapDialect>();
    case Protocol::Pop3:
        return std::make_unique<Pop3Dialect>();
    }
    return nullptr;
}

QString Dialect::authOfferEvidence(const QStringList& capabilities) const
{
    // SMTP "AUTH ..." (or the old "AUTH=..."), POP3 "SASL ..." and "USER".
    QStringList lines;
    for (const QString& c : capabilities) {
        const QString keyword = c.section(QLatin1Char(' '), 0, 0).section(QLatin1Char('='), 0, 0).toUpper();
        if (keyword == QLatin1String("AUTH") || keyword == QLatin1String("SASL")
            || keyword == QLatin1String("USER"))
            lines.append(c);
    }
    return lines.join(QStringLiteral(", "));
}

Dialect::Command Dialect::authResponse(const QByteArray& response) const
{
    // An empty response is an empty line (RFC 4954 s.4); it carries nothing worth hiding.
    const QByteArray line = response.toBase64();
    return {line + "\r\n", line.isEmpty() ? QByteArray() : QByteArrayLiteral("[redacted]")};
}

std::optional<QByteArray> Dialect::challenge(const Reply& reply) const
{
    const QByteArray encoded = reply.text.toLatin1().trimmed();
    if (encoded.isEmpty() || encoded == "=")
        return QByteArray();
    const auto decoded = QByteArray::fromBase64Encoding(encoded, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

QList<Dialect::Command> Dialect::passwordLoginCommands(const QString&, const QByteArray&) { return {}; }

QByteArray Dialect::encodeInitialResponse(const QByteArray& raw)
{
    return raw.isEmpty() ? QByteArrayLiteral("=") : raw.toBase64();
}

bool Dialect::tooManyBytes(const Reply& reply, QString* problem)
{
    qsizetype bytes = 0;
    for (const QByteArray& line : reply.lines)
        bytes += line.size();
    if (bytes <= MaxReplyBytes)
        return false;
    *problem = QCoreApplication::translate("Dialect", "The reply had more than %1 bytes (%2 lines so far).")
                   .arg(MaxReplyBytes)
                   .arg(reply.lines.size());
    return true;
}
