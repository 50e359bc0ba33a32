#include "ProfileEditorDialog.h"

#include "net/HostSyntax.h"
#include "profiles/ProviderPresets.h"
#include "profiles/SecretStore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace {

/// The ports whose service is fixed by registration or long practice (RFC 6409 s.3.1 submission,
/// RFC 8314 s.3.3 implicit TLS for submission, IMAP and POP3): a profile that disagrees gets a hint.
struct KnownPort
{
    quint16 port;
    Protocol protocol;
    TlsMode tls;
};
constexpr KnownPort knownPorts[] = {
    {25, Protocol::Smtp, TlsMode::StartTls},  {465, Protocol::Smtp, TlsMode::Implicit},
    {587, Protocol::Smtp, TlsMode::StartTls}, {143, Protocol::Imap, TlsMode::StartTls},
    {993, Protocol::Imap, TlsMode::Implicit}, {110, Protocol::Pop3, TlsMode::StartTls},
    {995, Protocol::Pop3, TlsMode::Implicit},
};

QString tlsName(TlsMode mode)
{
    switch (mode) {
    case TlsMode::StartTls:
        return ProfileEditorDialog::tr("STARTTLS");
    case TlsMode::Implicit:
        return ProfileEditorDialog::tr("implicit TLS");
    case TlsMode::None:
        break;
    }
    return ProfileEditorDialog::tr("no TLS");
}

QListWidgetItem* acceptedItem(const AcceptedCertificate& c, QListWidget* list)
{
    const QString label = c.subject.isEmpty() ? c.sha256 : QStringLiteral("%1\n%2").arg(c.subject, c.sha256);
    auto* item = new QListWidgetItem(label, list);
    item->setData(Qt::UserRole, c.sha256);
    return item;
}

} // namespace

ProfileEditorDialog::ProfileEditorDialog(const ServerProfile& profile, const QStringList& takenNames,
                                         bool isNew, QWidget* parent)
    : QDialog(parent)
    , m_original(profile)
    , m_takenNames(takenNames)
{
    setObjectName(QStringLiteral("profileEditor"));
    setWindowTitle(isNew ? tr("New profile") : tr("Edit profile “%1”").arg(profile.name));
    auto* layout = new QVBoxLayout(this);
    auto* tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("profileTabs"));
    tabs->addTab(makeServerPage(), tr("&Server"));
    tabs->addTab(makeTrustPage(), tr("&Trust"));
    tabs->addTab(makeLoginPage(), tr("&Login"));
    tabs->addTab(makeOptionsPage(), tr("&Run options"));
    tabs->addTab(makeNotesPage(), tr("&Notes and test message"));
    layout->addWidget(tabs);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("validationMessage"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    layout->addWidget(m_message);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    load(profile);
    // Every edit re-validates, so the message follows the typing.
    for (QLineEdit* edit : {m_name, m_host, m_port, m_helo, m_user, m_mailFrom, m_rcptTo})
        connect(edit, &QLineEdit::textChanged, this, &ProfileEditorDialog::validate);
    for (QComboBox* combo : {m_protocol, m_tls, m_policy, m_mechanism})
        connect(combo, &QComboBox::currentIndexChanged, this, &ProfileEditorDialog::validate);
    connect(m_notes, &QPlainTextEdit::textChanged, this, &ProfileEditorDialog::validate);
    validate();
    m_name->setFocus();
}

QWidget* ProfileEditorDialog::makeServerPage()
{
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    m_preset = new QComboBox(page);
    m_preset->setObjectName(QStringLiteral("presetCombo"));
    m_preset->addItem(tr("(none: enter the server below)"));
    for (const ProviderPreset& preset : ProviderPresets::all()) {
        for (const PresetService& service : preset.services)
            m_preset->addItem(QStringLiteral("%1 — %2 (%3:%4)")
                                  .arg(preset.name, service.key, service.host)
                                  .arg(service.port),
                              QStringLiteral("%1:%2").arg(preset.id, service.key));
    }
    form->addRow(tr("Fill from &preset:"), m_preset);
    connect(m_preset, &QComboBox::activated, this, &ProfileEditorDialog::onPresetChosen);
    m_name = new QLineEdit(page);
    m_name->setObjectName(QStringLiteral("nameEdit"));
    form->addRow(tr("&Name:"), m_name);
    m_host = new QLineEdit(page);
    m_host->setObjectName(QStringLiteral("hostEdit"));
    m_host->setPlaceholderText(tr("mail.example.org"));
    form->addRow(tr("&Host:"), m_host);
    m_port = new QLineEdit(page);
    m_port->setObjectName(QStringLiteral("portEdit"));
    m_port->setMaxLength(6);
    form->addRow(tr("P&ort:"), m_port);
    m_protocol = new QComboBox(page);
    m_protocol->setObjectName(QStringLiteral("protocolCombo"));
    for (Protocol p : {Protocol::Smtp, Protocol::Imap, Protocol::Pop3})
        m_protocol->addItem(displayName(p), int(p));
    form->addRow(tr("Pro&tocol:"), m_protocol);
    m_tls = new QComboBox(page);
    m_tls->setObjectName(QStringLiteral("tlsCombo"));
    m_tls->addItem(tr("STARTTLS"), int(TlsMode::StartTls));
    m_tls->addItem(tr("Implicit TLS"), int(TlsMode::Implicit));
    m_tls->addItem(tr("No TLS"), int(TlsMode::None));
    form->addRow(tr("T&LS:"), m_tls);
    m_policy = new QComboBox(page);
    m_policy->setObjectName(QStringLiteral("policyCombo"));
    m_policy->addItem(tr("Enforce: stop without TLS"), int(TlsPolicy::Enforce));
    m_policy->addItem(tr("Opportunistic: continue"), int(TlsPolicy::Opportunistic));
    form->addRow(tr("Pol&icy:"), m_policy);
    m_helo = new QLineEdit(page);
    m_helo->setObjectName(QStringLiteral("heloEdit"));
    form->addRow(tr("&EHLO name:"), m_helo);
    return page;
}

QWidget* ProfileEditorDialog::makeTrustPage()
{
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(
        new QLabel(tr("Extra CA certificates (PEM files), trusted besides the system's:"), page));
    m_caFiles = new QListWidget(page);
    m_caFiles->setObjectName(QStringLiteral("caFilesList"));
    layout->addWidget(m_caFiles);
    auto* caButtons = new QHBoxLayout;
    auto* addCa = new QPushButton(tr("&Add CA file…"), page);
    addCa->setObjectName(QStringLiteral("addCaButton"));
    auto* removeCa = new QPushButton(tr("Re&move"), page);
    removeCa->setObjectName(QStringLiteral("removeCaButton"));
    caButtons->addWidget(addCa);
    caButtons->addWidget(removeCa);
    caButtons->addStretch(1);
    layout->addLayout(caButtons);
    connect(addCa, &QPushButton::clicked, this, &ProfileEditorDialog::addCaFile);
    connect(removeCa, &QPushButton::clicked, this, [this] { delete m_caFiles->currentItem(); });

    auto* acceptedLabel = new QLabel(
        tr("Certificates you trust for this profile only (by SHA-256 fingerprint). Expiry and the host "
           "name are still checked:"),
        page);
    acceptedLabel->setWordWrap(true);
    layout->addWidget(acceptedLabel);
    m_acceptedList = new QListWidget(page);
    m_acceptedList->setObjectName(QStringLiteral("acceptedList"));
    layout->addWidget(m_acceptedList);
    auto* removeAccepted = new QPushButton(tr("Stop &trusting this certificate"), page);
    removeAccepted->setObjectName(QStringLiteral("removeAcceptedButton"));
    layout->addWidget(removeAccepted, 0, Qt::AlignLeft);
    connect(removeAccepted, &QPushButton::clicked, this, [this] {
        if (QListWidgetItem* item = m_acceptedList->currentItem()) {
            const QString sha = item->data(Qt::UserRole).toString();
            m_accepted.removeIf([&sha](const AcceptedCertificate& c) { return c.sha256 == sha; });
            delete item;
        }
    });
    m_insecure = new QCheckBox(tr("Continue past certificate errors (they stay findings)"), page);
    m_insecure->setObjectName(QStringLiteral("insecureCheck"));
    layout->addWidget(m_insecure);
    return page;
}

QWidget* ProfileEditorDialog::makeLoginPage()
{
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    m_user = new QLineEdit(page);
    m_user->setObjectName(QStringLiteral("userEdit"));
    m_user->setPlaceholderText(tr("empty: no login"));
    form->addRow(tr("&User:"), m_user);
    m_mechanism = new QComboBox(page);
    m_mechanism->setObjectName(QStringLiteral("mechanismCombo"));
    m_mechanism->addItem(tr("Strongest offered"), QStringLiteral("auto"));
    for (const char* m : {"plain", "login", "cram-md5", "xoauth2"})
        m_mechanism->addItem(QString::fromLatin1(m).toUpper(), QString::fromLatin1(m));
    form->addRow(tr("&Mechanism:"), m_mechanism);
    m_password = new QLineEdit(page);
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&Password:"), m_password);
    m_forgetPassword = new QCheckBox(tr("Remove the stored password from the keychain"), page);
    m_forgetPassword->setObjectName(QStringLiteral("forgetPasswordCheck"));
    form->addRow(m_forgetPassword);
    auto* explanation = new QLabel(
        tr("The password goes to the desktop's keychain (service “%1”), never into the profile file. "
           "Where no keychain is available it is not stored, and Mailscope asks for it when a run needs "
           "it.")
            .arg(SecretStore::serviceName()),
        page);
    explanation->setWordWrap(true);
    explanation->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(explanation);
    return page;
}

QWidget* ProfileEditorDialog::makeOptionsPage()
{
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    m_timeout = new QDoubleSpinBox(page);
    m_timeout->setObjectName(QStringLiteral("timeoutSpin"));
    m_timeout->setRange(0.1, 3600);
    m_timeout->setDecimals(1);
    m_timeout->setSuffix(tr(" s"));
    form->addRow(tr("Step &timeout:"), m_timeout);
    m_expiryDays = new QSpinBox(page);
    m_expiryDays->setObjectName(QStringLiteral("expiryDaysSpin"));
    m_expiryDays->setRange(0, 3650);
    m_expiryDays->setSuffix(tr(" days"));
    form->addRow(tr("Warn before &expiry:"), m_expiryDays);
    m_auditVersions = new QCheckBox(tr("TLS versions"), page);
    m_auditCiphers = new QCheckBox(tr("Cipher suites"), page);
    m_auditInjection = new QCheckBox(tr("STARTTLS command injection"), page);
    m_auditOcsp = new QCheckBox(tr("OCSP stapling"), page);
    form->addRow(tr("Audit:"), m_auditVersions);
    form->addRow(QString(), m_auditCiphers);
    form->addRow(QString(), m_auditInjection);
    form->addRow(QString(), m_auditOcsp);
    m_stopAfter = new QComboBox(page);
    m_stopAfter->setObjectName(QStringLiteral("stopAfterCombo"));
    m_stopAfter->addItem(tr("Run every step"), -1);
    for (StepId s : {StepId::Connect, StepId::Banner, StepId::Greeting, StepId::StartTls, StepId::GreetingTls,
                     StepId::Auth, StepId::MailFrom, StepId::RcptTo})
        m_stopAfter->addItem(toKey(s), int(s));
    form->addRow(tr("&Stop after:"), m_stopAfter);
    return page;
}

QWidget* ProfileEditorDialog::makeNotesPage()
{
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    m_notes = new QPlainTextEdit(page);
    m_notes->setObjectName(QStringLiteral("notesEdit"));
    form->addRow(tr("N&otes:"), m_notes);
    m_mailFrom = new QLineEdit(page);
    m_mailFrom->setObjectName(QStringLiteral("mailFromEdit"));
    form->addRow(tr("Test message &from:"), m_mailFrom);
    m_rcptTo = new QLineEdit(page);
    m_rcptTo->setObjectName(QStringLiteral("rcptToEdit"));
    m_rcptTo->setPlaceholderText(tr("one or more addresses, separated by commas"));
    form->addRow(tr("Test message t&o:"), m_rcptTo);
    return page;
}

void ProfileEditorDialog::load(const ServerProfile& p)
{
    m_name->setText(p.name);
    m_host->setText(p.host);
    m_port->setText(QString::number(p.port));
    m_protocol->setCurrentIndex(m_protocol->findData(int(p.protocol)));
    m_tls->setCurrentIndex(m_tls->findData(int(p.tls)));
    m_policy->setCurrentIndex(m_policy->findData(int(p.policy)));
    m_helo->setText(p.heloName);
    m_caFiles->clear();
    m_caFiles->addItems(p.caFiles);
    m_accepted = p.acceptedCertificates;
    m_acceptedList->clear();
    for (const AcceptedCertificate& c : p.acceptedCertificates)
        acceptedItem(c, m_acceptedList);
    m_insecure->setChecked(p.insecure);
    m_user->setText(p.user);
    m_mechanism->setCurrentIndex(std::max(0, m_mechanism->findData(p.authMechanism)));
    m_password->setPlaceholderText(p.passwordStored ? tr("stored in the keychain; type to replace it")
                                                    : tr("not stored"));
    m_forgetPassword->setVisible(p.passwordStored);
    m_timeout->setValue(p.stepTimeoutMs / 1000.0);
    m_expiryDays->setValue(p.expiryWarningDays);
    m_auditVersions->setChecked(p.audit.versions);
    m_auditCiphers->setChecked(p.audit.ciphers);
    m_auditInjection->setChecked(p.audit.commandInjection);
    m_auditOcsp->setChecked(p.audit.ocsp);
    m_stopAfter->setCurrentIndex(std::max(0, m_stopAfter->findData(p.stopAfter ? int(*p.stopAfter) : -1)));
    m_notes->setPlainText(p.notes);
    m_mailFrom->setText(p.mailFrom);
    m_rcptTo->setText(p.rcptTo.join(QStringLiteral(", ")));
}

bool ProfileEditorDialog::applyPreset(const QString& spec)
{
    QString error;
    const std::optional<ServerProfile> preset = ProviderPresets::profileFor(spec, m_name->text(), &error);
    if (!preset)
        return false;
    ServerProfile p = profile();
    if (p.name.isEmpty() || m_takenNames.contains(p.name)) {
        const QString id = spec.section(QLatin1Char(':'), 0, 0);
        for (const ProviderPreset& pp : ProviderPresets::all()) {
            if (pp.id == id)
                p.name = pp.name;
        }
        // A second profile from the same preset gets "Gmail (2)".
        for (int n = 2; m_takenNames.contains(p.name); ++n)
            p.name = QStringLiteral("%1 (%2)").arg(p.name.section(QStringLiteral(" ("), 0, 0)).arg(n);
    }
    p.host = preset->host;
    p.port = preset->port;
    p.protocol = preset->protocol;
    p.tls = preset->tls;
    if (!preset->user.isEmpty())
        p.user = preset->user;
    if (p.notes.isEmpty())
        p.notes = preset->notes;
    load(p);
    m_preset->setCurrentIndex(std::max(0, m_preset->findData(spec)));
    validate();
    return true;
}

void ProfileEditorDialog::onPresetChosen(int index)
{
    const QString spec = m_preset->itemData(index).toString();
    if (!spec.isEmpty())
        applyPreset(spec);
}

void ProfileEditorDialog::addCaFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Add a CA certificate"), QString(),
                                                      tr("PEM certificates (*.pem *.crt);;All files (*)"));
    if (path.isEmpty())
        return;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (m_caFiles->findItems(absolute, Qt::MatchExactly).isEmpty())
        m_caFiles->addItem(absolute);
}

ServerProfile ProfileEditorDialog::profile() const
{
    ServerProfile p = m_original;
    p.name = m_name->text().trimmed();
    p.host = m_host->text().trimmed();
    bool ok = false;
    const uint port = m_port->text().trimmed().toUInt(&ok);
    p.port = ok && port <= 65535 ? quint16(port) : 0;
    p.protocol = Protocol(m_protocol->currentData().toInt());
    p.tls = TlsMode(m_tls->currentData().toInt());
    p.policy = TlsPolicy(m_policy->currentData().toInt());
    p.heloName = m_helo->text().trimmed();
    p.caFiles.clear();
    for (int i = 0; i < m_caFiles->count(); ++i)
        p.caFiles.append(m_caFiles->item(i)->text());
    p.acceptedCertificates = m_accepted;
    p.insecure = m_insecure->isChecked();
    p.user = m_user->text().trimmed();
    p.authMechanism = m_mechanism->currentData().toString();
    if (forgetPassword() || p.user.isEmpty())
        p.passwordStored = false;
    p.stepTimeoutMs = int(m_timeout->value() * 1000);
    p.expiryWarningDays = m_expiryDays->value();
    p.audit.versions = m_auditVersions->isChecked();
    p.audit.ciphers = m_auditCiphers->isChecked();
    p.audit.commandInjection = m_auditInjection->isChecked();
    p.audit.ocsp = m_auditOcsp->isChecked();
    const int stop = m_stopAfter->currentData().toInt();
    p.stopAfter = stop < 0 ? std::nullopt : std::optional<StepId>(StepId(stop));
    p.notes = m_notes->toPlainText();
    p.mailFrom = m_mailFrom->text().trimmed();
    p.rcptTo.clear();
    for (const QString& a : m_rcptTo->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!a.trimmed().isEmpty())
            p.rcptTo.append(a.trimmed());
    }
    return p;
}

QByteArray ProfileEditorDialog::password() const { return m_password->text().toUtf8(); }

bool ProfileEditorDialog::forgetPassword() const
{
    return m_original.passwordStored && m_forgetPassword->isChecked();
}

void ProfileEditorDialog::validate()
{
    const ServerProfile p = profile();
    m_problem.clear();
    m_hint.clear();
    bool portOk = false;
    const uint port = m_port->text().trimmed().toUInt(&portOk);
    if (p.name.isEmpty())
        m_problem = tr("Give the profile a name.");
    else if (m_takenNames.contains(p.name))
        m_problem = tr("A profile named “%1” exists already.").arg(p.name);
    else if (p.host.isEmpty())
        m_problem = tr("Enter the server's host name or address.");
    else if (const QString why = HostSyntax::problem(p.host); !why.isEmpty())
        m_problem = tr("Host: %1").arg(why);
    else if (!portOk || port < 1 || port > 65535)
        m_problem = tr("The port must be a number from 1 to 65535.");
    else if (!m_password->text().isEmpty() && p.user.isEmpty())
        m_problem = tr("A password needs a user name.");
    else
        m_problem = p.validate();

    if (portOk) {
        for (const KnownPort& k : knownPorts) {
            if (k.port != port)
                continue;
            if (k.protocol != p.protocol)
                m_hint = tr("Port %1 is usually %2, not %3.")
                             .arg(port)
                             .arg(displayName(k.protocol), displayName(p.protocol));
            else if (k.tls != p.tls && p.tls != TlsMode::None)
                m_hint =
                    tr("Port %1 usually expects %2, not %3.").arg(port).arg(tlsName(k.tls), tlsName(p.tls));
        }
    }
    if (!m_problem.isEmpty()) {
        m_message->setText(m_problem);
        m_message->setStyleSheet(
            QStringLiteral("color: palette(bright-text); background: #b3261e; padding: 4px;"));
    } else if (!m_hint.isEmpty()) {
        m_message->setText(tr("Hint: %1").arg(m_hint));
        m_message->setStyleSheet(QString());
    } else {
        m_message->setText(QString());
        m_message->setStyleSheet(QString());
    }
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(m_problem.isEmpty());
}
