#include "XOAuth2Mechanism.h"

#include <QCoreApplication>

QByteArray XOAuth2Mechanism::message() const
{
    return "user=" + userBytes() + "\x01" + "auth=Bearer " + secret() + "\x01\x01";
}

std::optional<QByteArray> XOAuth2Mechanism::initialResponse()
{
    m_sent = true;
    return message();
}

std::optional<QByteArray> XOAuth2Mechanism::respond(const QByteArray& challenge)
{
    if (!m_sent && challenge.isEmpty()) {
        m_sent = true;
        return message();
    }
    if (m_errorSeen) {
        setProblem(QCoreApplication::translate("SaslMechanism",
                                               "The server sent a second XOAUTH2 error challenge."));
        return std::nullopt;
    }
    // The challenge is the server's JSON error ({"status":"401",...}): server text, safe to show.
    m_errorSeen = true;
    setProblem(QCoreApplication::translate("SaslMechanism", "The server reported: %1")
                   .arg(QString::fromUtf8(challenge).simplified()));
    return QByteArray();
}
