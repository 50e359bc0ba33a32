#include "LoginMechanism.h"

#include <QCoreApplication>

std::optional<QByteArray> LoginMechanism::respond(const QByteArray&)
{
    // The prompts ("Username:", "Password:") are informational and vary between servers; the
    // draft answers them by position, not by text.
    switch (m_step++) {
    case 0:
        return userBytes();
    case 1:
        return secret();
    default:
        setProblem(QCoreApplication::translate("SaslMechanism",
                                               "The server asked for more than a user name and a password."));
        return std::nullopt;
    }
}
