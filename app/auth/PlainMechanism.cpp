#include "PlainMechanism.h"

#include <QCoreApplication>

QByteArray PlainMechanism::message() const
{
    // RFC 4616 s.2: message = [authzid] UTF8NUL authcid UTF8NUL passwd; no authzid here.
    QByteArray m;
    m.append('\0');
    m.append(userBytes());
    m.append('\0');
    m.append(secret());
    return m;
}

std::optional<QByteArray> PlainMechanism::initialResponse()
{
    m_sent = true;
    return message();
}

std::optional<QByteArray> PlainMechanism::respond(const QByteArray& challenge)
{
    // Without an initial response the server sends an empty challenge first (RFC 4422 s.5).
    if (!m_sent && challenge.isEmpty()) {
        m_sent = true;
        return message();
    }
    setProblem(QCoreApplication::translate("SaslMechanism",
                                           "The server sent a second PLAIN challenge; PLAIN has "
                                           "only one message."));
    return std::nullopt;
}
