#pragma once

#include "profiles/ServerProfile.h"

#include <QDialog>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QSpinBox;

/**
 * Creates or edits one ServerProfile: server, trust (CA files, accepted certificates), login
 * (user, mechanism, password for the keychain), run options, notes and the test message's defaults.
 * Validates as the user types (host syntax, port range, name taken) and hints at a protocol or TLS
 * mode the port does not usually serve; Save stays disabled while something is wrong. It saves
 * nothing itself: the caller stores profile() and hands password() to the keychain.
 */
class ProfileEditorDialog final : public QDialog
{
    Q_OBJECT

public:
    /// `takenNames`: the names of the other profiles (a name must be unique).
    ProfileEditorDialog(const ServerProfile& profile, const QStringList& takenNames, bool isNew,
                        QWidget* parent = nullptr);

    /// The edited profile (id, revision and times as given).
    ServerProfile profile() const;
    /// The password typed in; empty: keep what is stored (or nothing).
    QByteArray password() const;
    /// The user asked to remove the stored password.
    bool forgetPassword() const;
    /// Empty when the profile can be saved; else the first problem, in words.
    QString problem() const { return m_problem; }
    /// Hints that do not stop saving (the port usually serves another protocol).
    QString hint() const { return m_hint; }
    /// Fills the server fields from a provider preset ("gmail" or "gmail:imaps").
    bool applyPreset(const QString& spec);

private:
    QWidget* makeServerPage();
    QWidget* makeTrustPage();
    QWidget* makeLoginPage();
    QWidget* makeOptionsPage();
    QWidget* makeNotesPage();
    void load(const ServerProfile& p);
    void validate();
    void addCaFile();
    void onPresetChosen(int index);

    ServerProfile m_original;
    QStringList m_takenNames;
    QList<AcceptedCertificate> m_accepted;
    QString m_problem;
    QString m_hint;

    QComboBox* m_preset = nullptr;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_host = nullptr;
    QLineEdit* m_port = nullptr;
    QComboBox* m_protocol = nullptr;
    QComboBox* m_tls = nullptr;
    QComboBox* m_policy = nullptr;
    QLineEdit* m_helo = nullptr;
    QListWidget* m_caFiles = nullptr;
    QListWidget* m_acceptedList = nullptr;
    QCheckBox* m_insecure = nullptr;
    QLineEdit* m_user = nullptr;
    QComboBox* m_mechanism = nullptr;
    QLineEdit* m_password = nullptr;
    QCheckBox* m_forgetPassword = nullptr;
    QDoubleSpinBox* m_timeout = nullptr;
    QSpinBox* m_expiryDays = nullptr;
    QCheckBox* m_auditVersions = nullptr;
    QCheckBox* m_auditCiphers = nullptr;
    QCheckBox* m_auditInjection = nullptr;
    QCheckBox* m_auditOcsp = nullptr;
    QComboBox* m_stopAfter = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QLineEdit* m_mailFrom = nullptr;
    QLineEdit* m_rcptTo = nullptr;
    QLabel* m_message = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};
