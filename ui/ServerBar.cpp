#include "ServerBar.h"

#include "CredentialPrompt.h"
#include "demo/DemoServer.h"
#include "DemoProfile.h"
#include "net/HostSyntax.h"
#include "profiles/ProfileStore.h"
#include "ProfileSidebar.h"
#include "RunController.h"
#include "TrustCertificateDialog.h"
#include "UiStyle.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace {

enum ServerRow
{
    DemoRow,
    QuickRow,
    ProfilePage ///< not a row of the server list: the page of a saved profile
};

QLabel* heading(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

/**
 * A word-wrapped label that remembers its last height-for-width. Layouts ask a wrapped label for
 * it dozens of times while the window settles (every splitter and stack asks again), and QLabel
 * lays the text out afresh each time.
 */
class WrappedLabel final : public QLabel
{
public:
    explicit WrappedLabel(QWidget* parent)
        : QLabel(parent)
    {
        setWordWrap(true);
    }

    int heightForWidth(int width) const override
    {
        const QString current = text();
        if (width != m_width || current != m_text || font() != m_font) {
            m_width = width;
            m_text = current;
            m_font = font();
            m_height = QLabel::heightForWidth(width);
        }
        return m_height;
    }

private:
    mutable int m_width = -1;
    mutable int m_height = -1;
    mutable QString m_text;
    mutable QFont m_font;
};

} // namespace

ServerBar::ServerBar(QWidget* parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Server"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 4, 8);

    auto* serversLabel = heading(tr("&Server"), this);
    layout->addWidget(serversLabel);
    m_servers = new QListWidget(this);
    m_servers->setObjectName(QStringLiteral("serverList"));
    m_servers->setAccessibleName(tr("Servers"));
    m_servers->setIconSize(QSize(22, 22));
    auto* demo = new QListWidgetItem(UiStyle::icon(QStringLiteral("server-demo")),
                                     tr("Demo server (built in)"), m_servers);
    demo->setToolTip(
        tr("A mail server inside Mailscope, on this computer, that can play good and broken servers"));
    auto* quick =
        new QListWidgetItem(UiStyle::icon(QStringLiteral("server-connect")), tr("Quick connect"), m_servers);
    quick->setToolTip(tr("Check any server by host name and port"));
    const int rowHeight = m_servers->sizeHintForRow(0) + 6;
    for (int i = 0; i < m_servers->count(); ++i)
        m_servers->item(i)->setSizeHint(QSize(0, rowHeight));
    m_servers->setFixedHeight(rowHeight * m_servers->count() + 2 * m_servers->frameWidth() + 2);
    serversLabel->setBuddy(m_servers);
    layout->addWidget(m_servers);

    auto* profilesLabel = heading(tr("Pro&files"), this);
    layout->addWidget(profilesLabel);
    m_profiles = new ProfileSidebar(QString(), this);
    profilesLabel->setBuddy(m_profiles);
    layout->addWidget(m_profiles, 1);

    m_pages = new QStackedWidget(this);
    layout->addWidget(m_pages);

    // Demo page
    auto* demoPage = new QWidget(m_pages);
    auto* demoLayout = new QVBoxLayout(demoPage);
    demoLayout->setContentsMargins(0, 8, 0, 0);
    auto* scenarioLabel = heading(tr("Sc&enario"), demoPage);
    demoLayout->addWidget(scenarioLabel);
    m_scenarioCombo = new QComboBox(demoPage);
    m_scenarioCombo->setObjectName(QStringLiteral("scenarioCombo"));
    m_scenarioCombo->setAccessibleName(tr("Demo scenario"));
    for (const DemoServer::Scenario& s : DemoServer::scenarios())
        m_scenarioCombo->addItem(s.name, s.description);
    scenarioLabel->setBuddy(m_scenarioCombo);
    demoLayout->addWidget(m_scenarioCombo);
    m_scenarioDescription = new WrappedLabel(demoPage);
    m_scenarioDescription->setObjectName(QStringLiteral("scenarioDescription"));
    m_scenarioDescription->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    demoLayout->addWidget(m_scenarioDescription);
    auto* serviceLabel = heading(tr("Ser&vice"), demoPage);
    demoLayout->addWidget(serviceLabel);
    m_demoServiceCombo = new QComboBox(demoPage);
    m_demoServiceCombo->setObjectName(QStringLiteral("demoServiceCombo"));
    m_demoServiceCombo->setAccessibleName(tr("Demo service (protocol and TLS mode)"));
    const struct
    {
        Protocol protocol;
        TlsMode tls;
        const char* label;
    } services[] = {
        {Protocol::Smtp, TlsMode::StartTls, QT_TR_NOOP("SMTP with STARTTLS")},
        {Protocol::Smtp, TlsMode::Implicit, QT_TR_NOOP("SMTPS (implicit TLS)")},
        {Protocol::Imap, TlsMode::StartTls, QT_TR_NOOP("IMAP with STARTTLS")},
        {Protocol::Imap, TlsMode::Implicit, QT_TR_NOOP("IMAPS (implicit TLS)")},
        {Protocol::Pop3, TlsMode::StartTls, QT_TR_NOOP("POP3 with STLS")},
        {Protocol::Pop3, TlsMode::Implicit, QT_TR_NOOP("POP3S (implicit TLS)")},
    };
    for (const auto& service : services)
        m_demoServiceCombo->addItem(tr(service.label),
                                    QVariantList {int(service.protocol), int(service.tls)});
    serviceLabel->setBuddy(m_demoServiceCombo);
    demoLayout->addWidget(m_demoServiceCombo);
    m_demoAddress = new WrappedLabel(demoPage);
    m_demoAddress->setForegroundRole(QPalette::PlaceholderText);
    m_demoAddress->setText(
        tr("Runs inside Mailscope on 127.0.0.1. Its certificates are made for the demo only "
           "and trusted only for demo runs."));
    demoLayout->addWidget(m_demoAddress);
    demoLayout->addStretch(1);
    m_pages->addWidget(demoPage);

    // The quick-connect page is made when first shown (ensureQuickPage): most launches never
    // leave the demo server.
    auto* quickPlaceholder = new QWidget(m_pages);
    m_pages->addWidget(quickPlaceholder);

    // The page of a saved profile: what it checks, its trust, and the offers after a run.
    auto* profilePage = new QWidget(m_pages);
    auto* profileLayout = new QVBoxLayout(profilePage);
    profileLayout->setContentsMargins(0, 8, 0, 0);
    m_profileSummary = new WrappedLabel(profilePage);
    m_profileSummary->setObjectName(QStringLiteral("profileSummary"));
    m_profileSummary->setTextFormat(Qt::PlainText);
    profileLayout->addWidget(m_profileSummary);
    auto* edit = new QPushButton(tr("&Edit profile…"), profilePage);
    edit->setObjectName(QStringLiteral("editProfileButton"));
    profileLayout->addWidget(edit);
    m_trustButton = new QPushButton(tr("Trust this certificate for this profile…"), profilePage);
    m_trustButton->setObjectName(QStringLiteral("trustCertificateButton"));
    m_trustButton->hide();
    profileLayout->addWidget(m_trustButton);
    m_demoCaButton = new QPushButton(tr("Add the demo CA file to this profile"), profilePage);
    m_demoCaButton->setObjectName(QStringLiteral("demoCaButton"));
    m_demoCaButton->hide();
    profileLayout->addWidget(m_demoCaButton);
    m_pages->addWidget(profilePage);
    connect(edit, &QPushButton::clicked, m_profiles, &ProfileSidebar::editCurrent);
    connect(m_trustButton, &QPushButton::clicked, this, &ServerBar::offerTrust);
    connect(m_demoCaButton, &QPushButton::clicked, this, [this] {
        if (const std::optional<ServerProfile> p = m_profiles->current())
            m_profiles->addCaFile(p->id, m_demoCaFile);
    });
    connect(m_profiles, &ProfileSidebar::currentChanged, this, &ServerBar::onProfileChanged);
    connect(m_profiles, &ProfileSidebar::runRequested, this, &ServerBar::runRequested);

    connect(m_servers, &QListWidget::currentRowChanged, this, &ServerBar::onServerRowChanged);
    connect(m_scenarioCombo, &QComboBox::currentIndexChanged, this, &ServerBar::onScenarioChanged);
    connect(m_demoServiceCombo, &QComboBox::currentIndexChanged, this, &ServerBar::choiceChanged);

    m_servers->setCurrentRow(DemoRow);
    onScenarioChanged(m_scenarioCombo->currentIndex());
}

void ServerBar::ensureQuickPage()
{
    if (m_hostEdit)
        return;
    auto* quickPage = new QWidget;
    auto* form = new QFormLayout(quickPage);
    form->setContentsMargins(0, 8, 0, 0);
    form->setRowWrapPolicy(QFormLayout::WrapAllRows);
    m_hostEdit = new QLineEdit(quickPage);
    m_hostEdit->setObjectName(QStringLiteral("hostEdit"));
    m_hostEdit->setAccessibleName(tr("Server address"));
    m_hostEdit->setPlaceholderText(tr("mail.example.org:587"));
    m_hostEdit->setClearButtonEnabled(true);
    form->addRow(tr("&Host and port:"), m_hostEdit);
    m_protocolCombo = new QComboBox(quickPage);
    m_protocolCombo->setObjectName(QStringLiteral("protocolCombo"));
    m_protocolCombo->setAccessibleName(tr("Protocol"));
    m_protocolCombo->addItem(tr("SMTP"), int(Protocol::Smtp));
    m_protocolCombo->addItem(tr("IMAP"), int(Protocol::Imap));
    m_protocolCombo->addItem(tr("POP3"), int(Protocol::Pop3));
    form->addRow(tr("&Protocol:"), m_protocolCombo);
    m_tlsCombo = new QComboBox(quickPage);
    m_tlsCombo->setObjectName(QStringLiteral("tlsCombo"));
    m_tlsCombo->setAccessibleName(tr("TLS mode"));
    m_tlsCombo->addItem(tr("STARTTLS"), int(TlsMode::StartTls));
    m_tlsCombo->addItem(tr("Implicit TLS"), int(TlsMode::Implicit));
    m_tlsCombo->addItem(tr("No TLS"), int(TlsMode::None));
    form->addRow(tr("&TLS:"), m_tlsCombo);
    m_policyCombo = new QComboBox(quickPage);
    m_policyCombo->setObjectName(QStringLiteral("policyCombo"));
    m_policyCombo->setAccessibleName(tr("TLS policy"));
    m_policyCombo->addItem(tr("Enforce: stop without TLS"), int(TlsPolicy::Enforce));
    m_policyCombo->addItem(tr("Opportunistic: continue"), int(TlsPolicy::Opportunistic));
    form->addRow(tr("P&olicy:"), m_policyCombo);
    m_insecureCheck = new QCheckBox(tr("Continue past certificate errors"), quickPage);
    m_insecureCheck->setObjectName(QStringLiteral("insecureCheck"));
    m_insecureCheck->setToolTip(tr("The errors are still reported as findings"));
    form->addRow(m_insecureCheck);
    m_caFileEdit = new QLineEdit(quickPage);
    m_caFileEdit->setObjectName(QStringLiteral("quickCaFileEdit"));
    m_caFileEdit->setPlaceholderText(tr("path of a PEM file (optional)"));
    form->addRow(tr("Extra &CA file:"), m_caFileEdit);
    m_userEdit = new QLineEdit(quickPage);
    m_userEdit->setObjectName(QStringLiteral("quickUserEdit"));
    m_userEdit->setPlaceholderText(tr("empty: no login"));
    form->addRow(tr("&User:"), m_userEdit);
    m_passwordEdit = new QLineEdit(quickPage);
    m_passwordEdit->setObjectName(QStringLiteral("quickPasswordEdit"));
    m_passwordEdit->setEchoMode(QLineEdit::Password);
    m_passwordEdit->setPlaceholderText(tr("asked for when empty"));
    form->addRow(tr("Pass&word:"), m_passwordEdit);
    m_mechanismCombo = new QComboBox(quickPage);
    m_mechanismCombo->setObjectName(QStringLiteral("quickMechanismCombo"));
    m_mechanismCombo->addItem(tr("Strongest offered"), QStringLiteral("auto"));
    for (const char* m : {"plain", "login", "cram-md5", "xoauth2"})
        m_mechanismCombo->addItem(QString::fromLatin1(m).toUpper(), QString::fromLatin1(m));
    form->addRow(tr("&Mechanism:"), m_mechanismCombo);
    auto* saveAs = new QPushButton(tr("&Save as profile…"), quickPage);
    saveAs->setObjectName(QStringLiteral("saveAsProfileButton"));
    form->addRow(saveAs);
    m_quickTrustButton = new QPushButton(tr("Trust this certificate in a new profile…"), quickPage);
    m_quickTrustButton->setObjectName(QStringLiteral("quickTrustButton"));
    m_quickTrustButton->hide();
    form->addRow(m_quickTrustButton);
    connect(saveAs, &QPushButton::clicked, this, &ServerBar::saveQuickAsProfile);
    connect(m_quickTrustButton, &QPushButton::clicked, this, &ServerBar::offerTrust);
    connect(m_caFileEdit, &QLineEdit::returnPressed, this, &ServerBar::runRequested);
    connect(m_passwordEdit, &QLineEdit::returnPressed, this, &ServerBar::runRequested);

    connect(m_hostEdit, &QLineEdit::textEdited, this, &ServerBar::onHostEdited);
    connect(m_hostEdit, &QLineEdit::returnPressed, this, &ServerBar::runRequested);
    connect(m_protocolCombo, &QComboBox::activated, this, [this] {
        m_protocolTouched = true;
        Q_EMIT choiceChanged();
    });
    connect(m_tlsCombo, &QComboBox::activated, this, [this] {
        m_tlsTouched = true;
        Q_EMIT choiceChanged();
    });
    connect(m_policyCombo, &QComboBox::activated, this, &ServerBar::choiceChanged);
    connect(m_insecureCheck, &QCheckBox::toggled, this, &ServerBar::choiceChanged);

    // Replace the placeholder, keeping the page's index.
    QWidget* placeholder = m_pages->widget(QuickRow);
    const int current = m_pages->currentIndex();
    m_pages->insertWidget(QuickRow, quickPage);
    delete placeholder;
    m_pages->setCurrentIndex(current);
    // Tab goes from the server list into the page, as if it had been there from the start.
    QWidget* previous = m_servers;
    for (QWidget* w : std::initializer_list<QWidget*> {m_hostEdit, m_protocolCombo, m_tlsCombo, m_policyCombo,
                                                       m_insecureCheck, m_caFileEdit, m_userEdit,
                                                       m_passwordEdit, m_mechanismCombo, saveAs}) {
        setTabOrder(previous, w);
        previous = w;
    }
}

void ServerBar::onServerRowChanged(int row)
{
    if (row < 0)
        return; // a profile took the selection (onProfileChanged)
    m_profiles->clearSelection();
    if (row == QuickRow)
        ensureQuickPage();
    m_pages->setCurrentIndex(row == QuickRow ? 1 : 0);
    Q_EMIT choiceChanged();
}

void ServerBar::onScenarioChanged(int index)
{
    m_scenarioDescription->setText(m_scenarioCombo->itemData(index).toString());
    Q_EMIT choiceChanged();
}

bool ServerBar::parseHostPort(const QString& text, QString* host, quint16* port)
{
    // The same syntax as mailscope-cli: "host:" or a name with a space is not a server.
    *port = 0;
    QString error;
    const std::optional<HostPort> hp = HostSyntax::parse(text.trimmed(), &error);
    if (!hp)
        return false;
    *host = hp->host;
    *port = hp->port.value_or(0);
    return true;
}

void ServerBar::onHostEdited(const QString& text)
{
    QString host;
    quint16 port = 0;
    if (parseHostPort(text, &host, &port) && port != 0)
        applyPortDefaults(port);
    Q_EMIT choiceChanged();
}

void ServerBar::applyPortDefaults(quint16 port)
{
    // The port says what to expect, unless the user already chose otherwise.
    if (!m_protocolTouched)
        m_protocolCombo->setCurrentIndex(m_protocolCombo->findData(int(defaultProtocolForPort(port))));
    if (!m_tlsTouched)
        m_tlsCombo->setCurrentIndex(m_tlsCombo->findData(int(defaultTlsModeForPort(port))));
}

ServerChoice ServerBar::choice() const
{
    ServerChoice c;
    if (m_servers->currentRow() < 0) {
        if (const std::optional<ServerProfile> p = m_profiles->current()) {
            c.kind = ServerChoice::Kind::Profile;
            c.profile = p;
            c.host = p->host;
            c.port = p->port;
            c.protocol = p->protocol;
            c.tls = p->tls;
            c.policy = p->policy;
            c.insecure = p->insecure;
            return c;
        }
    }
    c.kind = m_servers->currentRow() == QuickRow ? ServerChoice::Kind::Host : ServerChoice::Kind::Demo;
    c.demoScenario = m_scenarioCombo->currentText();
    if (c.kind == ServerChoice::Kind::Demo) {
        const QVariantList service = m_demoServiceCombo->currentData().toList();
        c.protocol = Protocol(service.value(0).toInt());
        c.tls = TlsMode(service.value(1).toInt());
        return c;
    }
    if (!m_hostEdit)
        return c; // quick connect never shown: its pickers hold their defaults
    c.protocol = Protocol(m_protocolCombo->currentData().toInt());
    c.tls = TlsMode(m_tlsCombo->currentData().toInt());
    if (c.kind == ServerChoice::Kind::Host) {
        c.policy = TlsPolicy(m_policyCombo->currentData().toInt());
        c.insecure = m_insecureCheck->isChecked();
        quint16 port = 0;
        if (parseHostPort(m_hostEdit->text(), &c.host, &port))
            c.port = port != 0 ? port : defaultPort(c.protocol, c.tls);
        else
            c.port = 0;
        c.profile = quickProfile();
        c.password = m_passwordEdit->text().toUtf8();
    }
    return c;
}

void ServerBar::setChoice(const ServerChoice& choice)
{
    if (choice.kind == ServerChoice::Kind::Demo) {
        const int i = m_scenarioCombo->findText(choice.demoScenario);
        if (i >= 0)
            m_scenarioCombo->setCurrentIndex(i);
        const int service =
            m_demoServiceCombo->findData(QVariantList {int(choice.protocol), int(choice.tls)});
        if (service >= 0)
            m_demoServiceCombo->setCurrentIndex(service);
        m_servers->setCurrentRow(DemoRow);
        return;
    }
    ensureQuickPage();
    const bool v6 = choice.host.contains(QLatin1Char(':'));
    m_hostEdit->setText(QStringLiteral("%1:%2")
                            .arg(v6 ? QStringLiteral("[%1]").arg(choice.host) : choice.host)
                            .arg(choice.port));
    m_protocolCombo->setCurrentIndex(m_protocolCombo->findData(int(choice.protocol)));
    m_tlsCombo->setCurrentIndex(m_tlsCombo->findData(int(choice.tls)));
    m_policyCombo->setCurrentIndex(m_policyCombo->findData(int(choice.policy)));
    m_insecureCheck->setChecked(choice.insecure);
    m_protocolTouched = m_tlsTouched = true;
    m_servers->setCurrentRow(QuickRow);
}

void ServerBar::setDemoAddress(const QString& address)
{
    m_demoAddress->setText(tr("Runs inside Mailscope on %1. Its certificates are made for the demo only and "
                              "trusted only for demo runs.")
                               .arg(address));
}

void ServerBar::setRunning(bool running)
{
    m_servers->setEnabled(!running);
    m_profiles->setEnabled(!running);
    m_pages->setEnabled(!running);
}

ServerProfile ServerBar::quickProfile() const
{
    ServerProfile p;
    if (!m_hostEdit)
        return p;
    quint16 port = 0;
    parseHostPort(m_hostEdit->text(), &p.host, &port);
    p.protocol = Protocol(m_protocolCombo->currentData().toInt());
    p.tls = TlsMode(m_tlsCombo->currentData().toInt());
    p.port = port != 0 ? port : defaultPort(p.protocol, p.tls);
    p.policy = TlsPolicy(m_policyCombo->currentData().toInt());
    p.insecure = m_insecureCheck->isChecked();
    if (const QString ca = m_caFileEdit->text().trimmed(); !ca.isEmpty())
        p.caFiles.append(ca);
    p.user = m_userEdit->text().trimmed();
    p.authMechanism = m_mechanismCombo->currentData().toString();
    return p;
}

void ServerBar::saveQuickAsProfile()
{
    const ServerProfile p = quickProfile();
    m_profiles->saveAsProfile(p, m_passwordEdit->text().toUtf8());
}

void ServerBar::onProfileChanged()
{
    if (m_profiles->current()) {
        {
            const QSignalBlocker blocker(m_servers);
            m_servers->setCurrentRow(-1);
        }
        m_pages->setCurrentIndex(ProfilePage);
        updateProfilePage();
        Q_EMIT choiceChanged();
    } else if (m_servers->currentRow() < 0) {
        m_servers->setCurrentRow(DemoRow);
    }
}

void ServerBar::updateProfilePage()
{
    const std::optional<ServerProfile> p = m_profiles->current();
    if (!p)
        return;
    QStringList lines {p->name};
    if (p->isDomain()) {
        lines.append(
            tr("Checks the mail domain %1: its MX hosts, DNSSEC, DANE, MTA-STS and TLS-RPT").arg(p->domain));
        lines.append(p->demoDomain            ? tr("DNS answers from the built-in demo (no network)")
                     : p->dnsServer.isEmpty() ? tr("Resolved by the system's resolvers")
                                              : tr("Resolved by %1").arg(p->dnsServer));
        if (!p->trustAnchorFile.isEmpty())
            lines.append(tr("Trust anchor: %1").arg(p->trustAnchorFile));
        if (!p->notes.isEmpty())
            lines.append(p->notes);
        lines.append(tr("Run (Enter) opens the domain window and checks it."));
        m_profileSummary->setText(lines.join(QLatin1Char('\n')));
        m_trustButton->hide();
        m_demoCaButton->hide();
        return;
    }
    const QString tls = p->tls == TlsMode::StartTls   ? tr("STARTTLS")
                        : p->tls == TlsMode::Implicit ? tr("implicit TLS")
                                                      : tr("no TLS");
    if (DemoProfile::isDemo(*p))
        lines.append(tr("%1 with %2 on the built-in demo server").arg(displayName(p->protocol), tls));
    else
        lines.append(
            tr("%1 with %2 on %3, port %4").arg(displayName(p->protocol), tls, p->host).arg(p->port));
    if (!p->user.isEmpty())
        lines.append(p->passwordStored ? tr("Login as %1, password in the keychain").arg(p->user)
                                       : tr("Login as %1, password asked for when needed").arg(p->user));
    if (!p->caFiles.isEmpty())
        lines.append(tr("Extra CA files: %1").arg(p->caFiles.join(QStringLiteral(", "))));
    for (const AcceptedCertificate& c : p->acceptedCertificates)
        lines.append(tr("Trusts the certificate %1").arg(c.sha256));
    if (p->insecure)
        lines.append(tr("Continues past certificate errors"));
    if (!p->notes.isEmpty())
        lines.append(p->notes);
    m_profileSummary->setText(lines.join(QLatin1Char('\n')));
    m_trustButton->setVisible(m_trustCandidate && m_trustTarget == p->id);
    m_demoCaButton->setVisible(DemoProfile::isDemo(*p) && !m_demoCaFile.isEmpty()
                               && !DemoProfiles::caFilesFor(*p, m_demoCaFile).contains(m_demoCaFile));
}

void ServerBar::attach(RunController* controller)
{
    connect(controller, &RunController::runStarted, this, [this, controller] {
        if (const DemoServer* demo = controller->demoServer())
            setDemoAddress(QStringLiteral("127.0.0.1:%1").arg(demo->port(Protocol::Smtp, TlsMode::StartTls)));
    });
    connect(controller, &RunController::finished, this, [this, controller] {
        const DemoServer* demo = controller->demoServer();
        onRunFinished(controller->run(), demo ? demo->caFile() : QString());
    });
}

void ServerBar::resolveChoice(std::function<void(const ServerChoice&)> done)
{
    const ServerChoice c = choice();
    if (c.kind == ServerChoice::Kind::Profile && c.profile && c.profile->isDomain()) {
        Q_EMIT domainCheckRequested(*c.profile);
        return;
    }
    m_runTarget = c.kind == ServerChoice::Kind::Profile ? c.profile->id
                  : c.kind == ServerChoice::Kind::Host  ? QStringLiteral("quick")
                                                        : QString();
    CredentialPrompt::complete(c, m_profiles->secrets(), this, std::move(done));
}

void ServerBar::onRunFinished(const Run& run, const QString& demoCaFile)
{
    m_demoCaFile = demoCaFile;
    m_trustCandidate = TrustCertificateDialog::candidate(run);
    m_trustTarget = m_runTarget;
    if (m_quickTrustButton)
        m_quickTrustButton->setVisible(m_trustCandidate && m_trustTarget == QLatin1String("quick"));
    updateProfilePage();
}

void ServerBar::offerTrust()
{
    if (!m_trustCandidate)
        return;
    const std::optional<ServerProfile> target = m_profiles->store()->byId(m_trustTarget);
    const QString name = target ? target->name : tr("a new profile");
    auto* dialog = new TrustCertificateDialog(*m_trustCandidate, name, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const AcceptedCertificate accepted = dialog->accepted();
        if (m_trustTarget == QLatin1String("quick")) {
            ServerProfile draft = quickProfile();
            draft.acceptedCertificates.append(accepted);
            m_profiles->saveAsProfile(draft, m_passwordEdit->text().toUtf8());
        } else if (m_profiles->trustCertificate(m_trustTarget, accepted)) {
            m_trustCandidate.reset();
            updateProfilePage();
        }
    });
    dialog->open();
}
