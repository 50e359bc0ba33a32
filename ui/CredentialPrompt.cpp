#include "CredentialPrompt.h"

#include "profiles/SecretStore.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

CredentialPrompt::CredentialPrompt(const QString& user, const QString& server, const QString& why,
                                   QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("credentialPrompt"));
    setWindowTitle(tr("Password for %1").arg(server));
    auto* layout = new QVBoxLayout(this);
    auto* reason = new QLabel(why, this);
    reason->setObjectName(QStringLiteral("credentialReason"));
    reason->setWordWrap(true);
    reason->setTextFormat(Qt::PlainText);
    layout->addWidget(reason);
    auto* form = new QFormLayout;
    form->addRow(tr("User:"), new QLabel(user, this));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("credentialPassword"));
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&Password:"), m_password);
    layout->addLayout(form);
    auto* note = new QLabel(tr("Used for this run only; it is not saved."), this);
    note->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(note);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QByteArray CredentialPrompt::password() const { return m_password->text().toUtf8(); }

void CredentialPrompt::complete(ServerChoice choice, SecretStore* secrets, QWidget* parent, Done done)
{
    const bool needsPassword = choice.kind != ServerChoice::Kind::Demo && choice.profile
                               && !choice.profile->user.isEmpty() && choice.password.isEmpty();
    if (!needsPassword) {
        done(choice);
        return;
    }
    if (!choice.profile->passwordStored) {
        ask(choice,
            choice.kind == ServerChoice::Kind::Profile
                ? tr("This profile has no password in the keychain (none was available when it was saved, "
                     "or none was given).")
                : tr("The login needs a password."),
            parent, std::move(done));
        return;
    }
    QPointer<QWidget> guard(parent);
    secrets->read(choice.profile->secretKey(),
                  [choice, guard, done = std::move(done)](const SecretResult& result) mutable {
                      if (result.ok()) {
                          choice.password = result.secret;
                          done(choice);
                          return;
                      }
                      if (guard)
                          ask(choice, result.message, guard, std::move(done));
                  });
}

void CredentialPrompt::ask(ServerChoice choice, const QString& why, QWidget* parent, Done done)
{
    const QString server = QStringLiteral("%1:%2").arg(choice.profile->host).arg(choice.profile->port);
    auto* prompt = new CredentialPrompt(choice.profile->user, server, why, parent);
    prompt->setAttribute(Qt::WA_DeleteOnClose);
    connect(prompt, &QDialog::accepted, prompt, [prompt, choice, done = std::move(done)]() mutable {
        choice.password = prompt->password();
        done(choice);
    });
    prompt->open();
}
