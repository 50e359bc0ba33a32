#include "CramMd5Mechanism.h"

#include <QCoreApplication>
#include <QMessageAuthenticationCode>

QByteArray CramMd5Mechanism::digestResponse(const QByteArray& user, const QByteArray& secret,
                                            const QByteArray& challenge)
{
    const QByteArray digest = QMessageAuthenticationCode::hash(challenge, secret, QCryptographicHash::Md5);
    return user + ' ' + digest.toHex();
}

std::optional<QByteArray> CramMd5Mechanism::respond(const QByteArray& challenge)
{
    if (m_answered) {
        setProblem(
            QCoreApplication::translate("SaslMechanism", "The server sent a second CRAM-MD5 challenge."));
        return std::nullopt;
    }
    if (challenge.isEmpty()) {
        setProblem(
            QCoreApplication::translate("SaslMechanism", "The server's CRAM-MD5 challenge was empty."));
        return std::nullopt;
    }
    m_answered = true;
    return digestResponse(userBytes(), secret(), challenge);
}
