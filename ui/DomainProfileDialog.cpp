#include "DomainProfileDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QVBoxLayout>

DomainProfileDialog::DomainProfileDialog(const ServerProfile& profile, const QStringList& takenNames,
                                         bool isNew, QWidget* parent)
    : QDialog(parent)
    , m_profile(profile)
    , m_taken(takenNames)
    , m_name(new QLineEdit(profile.name))
    , m_domain(new QLineEdit(profile.domain))
    , m_demo(new QCheckBox(tr("One of the demo's domains (built-in demo server, no network)")))
    , m_dnsServer(new QLineEdit(profile.dnsServer))
    , m_trustAnchor(new QLineEdit(profile.trustAnchorFile))
    , m_notes(new QPlainTextEdit(profile.notes))
    , m_error(new QLabel)
{
    setObjectName(QStringLiteral("domainProfileDialog"));
    setWindowTitle(isNew ? tr("New Mail Domain Profile") : tr("Edit Mail Domain Profile"));
    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_domain->setObjectName(QStringLiteral("domainEdit"));
    m_domain->setPlaceholderText(tr("example.org"));
    m_demo->setObjectName(QStringLiteral("demoCheckBox"));
    m_demo->setChecked(profile.demoDomain);
    m_dnsServer->setObjectName(QStringLiteral("dnsServerEdit"));
    m_dnsServer->setPlaceholderText(tr("the system's resolvers"));
    m_trustAnchor->setObjectName(QStringLiteral("trustAnchorEdit"));
    m_trustAnchor->setPlaceholderText(tr("the root's (dns-root-data)"));
    m_notes->setObjectName(QStringLiteral("notesEdit"));
    m_notes->setTabChangesFocus(true);
    m_notes->setFixedHeight(m_notes->fontMetrics().lineSpacing() * 4 + 12);
    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->hide();

    auto* form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("Mail &domain:"), m_domain);
    form->addRow(QString(), m_demo);
    form->addRow(tr("DNS &server (ADDR[@PORT]):"), m_dnsServer);
    form->addRow(tr("&Trust anchor file:"), m_trustAnchor);
    form->addRow(tr("N&otes:"), m_notes);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &DomainProfileDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_demo, &QCheckBox::toggled, this, &DomainProfileDialog::onDemoToggled);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    onDemoToggled(m_demo->isChecked());
    resize(520, sizeHint().height());
}

void DomainProfileDialog::onDemoToggled(bool demo)
{
    // The demo's answers come from inside Mailscope: no resolver settings apply.
    m_dnsServer->setEnabled(!demo);
    m_trustAnchor->setEnabled(!demo);
}

ServerProfile DomainProfileDialog::profile() const
{
    ServerProfile p = m_profile;
    p.kind = ProfileKind::Domain;
    p.name = m_name->text().trimmed();
    p.domain = m_domain->text().trimmed();
    p.demoDomain = m_demo->isChecked();
    p.dnsServer = p.demoDomain ? QString() : m_dnsServer->text().trimmed();
    p.trustAnchorFile = p.demoDomain ? QString() : m_trustAnchor->text().trimmed();
    p.notes = m_notes->toPlainText();
    return p;
}

void DomainProfileDialog::accept()
{
    const ServerProfile p = profile();
    QString problem = p.validate();
    if (problem.isEmpty() && m_taken.contains(p.name))
        problem = tr("A profile named “%1” exists already.").arg(p.name);
    if (!problem.isEmpty()) {
        m_error->setText(problem);
        m_error->show();
        return;
    }
    QDialog::accept();
}
