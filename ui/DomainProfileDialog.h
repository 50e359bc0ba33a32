#pragma once

#include "profiles/ServerProfile.h"

#include <QDialog>
#include <QStringList>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

/**
 * Edits a mail domain profile (ProfileKind::Domain): its name, the domain, and how the domain is
 * resolved (the demo's in-process answers, or a DNS server and trust anchor). Saves nothing
 * itself: the caller stores profile(). OK stays refused while the profile would not validate or
 * its name is taken, with the reason under the fields.
 */
class DomainProfileDialog final : public QDialog
{
    Q_OBJECT

public:
    DomainProfileDialog(const ServerProfile& profile, const QStringList& takenNames, bool isNew,
                        QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(DomainProfileDialog)

    ServerProfile profile() const;
    void accept() override;

private:
    void onDemoToggled(bool demo);

    ServerProfile m_profile;
    QStringList m_taken;
    QLineEdit* m_name;
    QLineEdit* m_domain;
    QCheckBox* m_demo;
    QLineEdit* m_dnsServer;
    QLineEdit* m_trustAnchor;
    QPlainTextEdit* m_notes;
    QLabel* m_error;
};
