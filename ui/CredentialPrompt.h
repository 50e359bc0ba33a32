#pragma once

#include "ServerChoice.h"

#include <functional>
#include <QDialog>
#include <QPointer>

class QLineEdit;
class SecretStore;

/**
 * Asks for the password of one run, saying why it must ask (no keychain on this desktop, the
 * keychain refused, nothing stored). What is typed is used for that run only and stored nowhere.
 */
class CredentialPrompt final : public QDialog
{
    Q_OBJECT

public:
    CredentialPrompt(const QString& user, const QString& server, const QString& why,
                     QWidget* parent = nullptr);
    QByteArray password() const;

    using Done = std::function<void(const ServerChoice&)>;
    /// Completes `choice` with the password its login needs: from the keychain when the profile has
    /// one stored, else asked for (window-modal, with the reason). `done` is called once with the
    /// completed choice, or not at all when the user cancels. Choices without a login pass at once.
    static void complete(ServerChoice choice, SecretStore* secrets, QWidget* parent, Done done);

private:
    static void ask(ServerChoice choice, const QString& why, QWidget* parent, Done done);

    QLineEdit* m_password = nullptr;
};
