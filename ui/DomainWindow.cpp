#include "DomainWindow.h"

#include "demo/DemoDomain.h"
#include "demo/DemoServer.h"
#include "dns/StaticResolver.h"
#include "dns/UnboundResolver.h"
#include "domain/DomainCheck.h"
#include "domain/DomainHistory.h"
#include "DomainFeature.h"
#include "RunDialog.h"

#include <algorithm>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {

QString verdictText(Verdict v) { return toKey(v).toUpper(); }

} // namespace

DomainWindow::DomainWindow(QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_domain(new QComboBox)
    , m_dnsServer(new QLineEdit)
    , m_trustAnchor(new QLineEdit)
    , m_demoCheck(new QCheckBox(tr("Demo domains (built-in demo server, no network)")))
    , m_checkButton(new QPushButton(tr("&Check")))
    , m_saveProfileButton(new QPushButton(tr("Save as &Profile…")))
    , m_status(new QLabel)
    , m_mxTable(new QTableWidget(0, 9))
    , m_records(new QPlainTextEdit)
    , m_findings(new QTreeWidget)
    , m_split(new QSplitter(Qt::Vertical))
{
    setWindowTitle(tr("Check a mail domain \u2014 Mailscope"));
    m_domain->setEditable(true);
    m_domain->setMinimumWidth(280);
    m_dnsServer->setPlaceholderText(tr("the system's resolvers"));
    m_trustAnchor->setPlaceholderText(tr("the root's (dns-root-data)"));
    auto* form = new QFormLayout;
    auto* domainRow = new QHBoxLayout;
    domainRow->addWidget(m_domain, 1);
    domainRow->addWidget(m_checkButton);
    domainRow->addWidget(m_saveProfileButton);
    m_saveProfileButton->setObjectName(QStringLiteral("saveDomainProfileButton"));
    m_saveProfileButton->setToolTip(
        tr("Keep this domain and its DNS settings as a profile: it is listed in the sidebar, and its checks "
           "in the history"));
    // A row of widgets gets no buddy from the form: without one the label would show its "&".
    auto* domainLabel = new QLabel(tr("Mail &domain:"));
    domainLabel->setBuddy(m_domain);
    form->addRow(domainLabel, domainRow);
    form->addRow(QString(), m_demoCheck);
    form->addRow(tr("DNS &server (ADDR[@PORT]):"), m_dnsServer);
    form->addRow(tr("&Trust anchor file:"), m_trustAnchor);

    m_mxTable->setHorizontalHeaderLabels({tr("Pref."), tr("MX host"), tr("Address"), tr("DNSSEC"), tr("DANE"),
                                          tr("MTA-STS"), tr("TLS"), tr("Certificate"), tr("Verdict")});
    m_mxTable->horizontalHeader()->setStretchLastSection(true);
    m_mxTable->verticalHeader()->hide();
    m_mxTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_mxTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_mxTable->setToolTip(tr("Double-click an address to open its SMTP conversation."));
    m_records->setReadOnly(true);
    m_findings->setHeaderLabels({tr("Severity"), tr("Finding"), tr("Where")});
    m_findings->setRootIsDecorated(false);
    m_findings->setWordWrap(true);

    auto* lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(m_records);
    lower->addWidget(m_findings);
    lower->setStretchFactor(1, 2);
    // Wide enough for a TLSA record's SHA-256 in two lines rather than five.
    m_records->setMinimumWidth(m_records->fontMetrics().horizontalAdvance(QLatin1Char('0')) * 46);
    m_split->addWidget(m_mxTable);
    m_split->addWidget(lower);
    // The records and findings explain the table: they get the room, the table what it needs.
    m_split->setStretchFactor(0, 0);
    m_split->setStretchFactor(1, 1);
    m_split->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(m_split, 1);

    connect(m_checkButton, &QPushButton::clicked, this, &DomainWindow::startCheck);
    connect(m_saveProfileButton, &QPushButton::clicked, this, [this] {
        if (!m_domain->currentText().trimmed().isEmpty())
            Q_EMIT saveProfileRequested(draftProfile());
    });
    connect(m_domain->lineEdit(), &QLineEdit::returnPressed, this, &DomainWindow::startCheck);
    connect(m_demoCheck, &QCheckBox::toggled, this, &DomainWindow::onDemoToggled);
    connect(m_mxTable, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { openRun(row); });
    // A first launch plays the demo: no network needed to see what the page shows.
    m_demoCheck->setChecked(true);
    resize(1100, 720);
}

DomainWindow::~DomainWindow() = default;

DomainWindow* DomainWindow::showFor(QWidget* owner)
{
    auto* window = owner->findChild<DomainWindow*>(QString(), Qt::FindDirectChildrenOnly);
    if (!window) {
        window = new DomainWindow(owner);
        // The main window's domain feature keeps its checks in the history and saves its profiles.
        if (auto* feature = owner->findChild<DomainFeature*>())
            feature->attach(window);
    }
    window->show();
    window->raise();
    window->activateWindow();
    return window;
}

void DomainWindow::onDemoToggled(bool demo)
{
    m_dnsServer->setEnabled(!demo);
    m_trustAnchor->setEnabled(!demo);
    const QString current = m_domain->currentText();
    m_domain->clear();
    if (demo)
        m_domain->addItems(DemoDomain::domains());
    else if (!DemoDomain::domains().contains(current))
        m_domain->setEditText(current);
}

bool DomainWindow::isChecking() const { return m_check && !m_check->isFinished(); }

void DomainWindow::startCheck()
{
    if (isChecking())
        return;
    const QString domain = m_domain->currentText().trimmed();
    if (domain.isEmpty())
        return;
    DomainCheckOptions options;
    m_check.reset();
    if (m_demoCheck->isChecked()) {
        if (!m_demo) {
            m_demo = std::make_unique<DemoServer>();
            if (!m_demo->start()) {
                m_status->setText(tr("The demo server could not start: %1").arg(m_demo->errorString()));
                m_demo.reset();
                return;
            }
        }
        auto table = std::make_unique<StaticResolver>();
        DemoDomain::populate(*table, m_demo->goodCertificate());
        m_resolver = std::move(table);
        options.smtpPort = m_demo->port(Protocol::Smtp, TlsMode::StartTls);
        options.extraCaCertificates = m_demo->caCertificates();
    } else {
        ResolverSettings settings;
        settings.server = m_dnsServer->text().trimmed();
        settings.trustAnchorFile = m_trustAnchor->text().trimmed();
        m_resolver = std::make_unique<UnboundResolver>(settings);
        if (!m_resolver->setupError().isEmpty()) {
            m_status->setText(m_resolver->setupError());
            return;
        }
    }
    // Where this check goes in the history, fixed now: the settings may be edited meanwhile.
    if (const std::optional<ServerProfile> p = profile()) {
        m_checkKey = p->id;
        m_checkDescription = tr("the profile “%1”").arg(p->name);
    } else {
        m_checkKey = DomainHistory::domainKey(domain);
        m_checkDescription = tr("the mail domain %1").arg(domain);
    }
    m_check = std::make_unique<DomainCheck>(domain, m_resolver.get(), options);
    connect(m_check.get(), &DomainCheck::finished, this, &DomainWindow::onFinished);
    connect(m_check.get(), &DomainCheck::runProgress, this, [this, domain](int done, int total) {
        m_status->setText(tr("Checking %1: %2 of %3 MX conversations done").arg(domain).arg(done).arg(total));
    });
    m_checkButton->setEnabled(false);
    m_status->setText(tr("Checking %1 \u2026").arg(domain));
    m_check->start();
}

void DomainWindow::setProfile(const ServerProfile& profile)
{
    m_profile = profile;
    m_demoCheck->setChecked(profile.demoDomain);
    m_domain->setEditText(profile.domain);
    m_dnsServer->setText(profile.dnsServer);
    m_trustAnchor->setText(profile.trustAnchorFile);
    setWindowTitle(tr("%1 \u2014 Check a mail domain \u2014 Mailscope").arg(profile.name));
}

ServerProfile DomainWindow::draftProfile() const
{
    ServerProfile p;
    p.kind = ProfileKind::Domain;
    p.domain = m_domain->currentText().trimmed();
    p.demoDomain = m_demoCheck->isChecked();
    if (!p.demoDomain) {
        p.dnsServer = m_dnsServer->text().trimmed();
        p.trustAnchorFile = m_trustAnchor->text().trimmed();
    }
    return p;
}

std::optional<ServerProfile> DomainWindow::profile() const
{
    if (!m_profile)
        return std::nullopt;
    const ServerProfile now = draftProfile();
    if (now.domain != m_profile->domain || now.demoDomain != m_profile->demoDomain
        || now.dnsServer != m_profile->dnsServer || now.trustAnchorFile != m_profile->trustAnchorFile)
        return std::nullopt;
    return m_profile;
}

void DomainWindow::showSavedReport(const DomainReport& report, const QString& description)
{
    if (isChecking())
        return;
    m_report = report;
    showReport();
    m_status->setText(
        tr("%1 \u2014 saved check of %2 (read-only)").arg(m_status->text(), description.toHtmlEscaped()));
}

void DomainWindow::onFinished()
{
    m_report = m_check->report();
    m_checkButton->setEnabled(true);
    showReport();
    Q_EMIT checkFinished();
}

void DomainWindow::showReport()
{
    m_status->setText(tr("<b>%1</b>: %2 \u2014 %3 MX host(s), checked in %4 ms")
                          .arg(m_report.domain.toHtmlEscaped(), verdictText(m_report.verdict()))
                          .arg(m_report.mx.size())
                          .arg(m_report.durationMs));
    m_mxTable->setRowCount(0);
    m_rowRuns.clear();
    for (int i = 0; i < m_report.mx.size(); ++i) {
        const MxResult& mx = m_report.mx.at(i);
        const qsizetype rows = std::max<qsizetype>(1, mx.runs.size());
        for (qsizetype r = 0; r < rows; ++r) {
            const MxAddressRun* run = r < mx.runs.size() ? &mx.runs.at(r) : nullptr;
            const int row = m_mxTable->rowCount();
            m_mxTable->insertRow(row);
            const QStringList cells {
                QString::number(mx.preference),
                mx.cnameTarget.isEmpty() ? mx.host : tr("%1 \u2192 %2").arg(mx.host, mx.cnameTarget),
                run ? run->address : QStringLiteral("-"),
                toKey(mx.addressSecurity),
                mx.dane,
                mx.stsMatch.isEmpty() ? QStringLiteral("-") : mx.stsMatch,
                run && run->run.tls ? run->run.tls->protocol : tr("no TLS"),
                run ? run->certificateText() : QStringLiteral("-"),
                // Each address has its own verdict (what the domain check concluded for it); a host
                // without an address row has only its own.
                verdictText(run ? run->verdict : mx.verdict()),
            };
            for (int c = 0; c < cells.size(); ++c)
                m_mxTable->setItem(row, c, new QTableWidgetItem(cells.at(c)));
            m_mxTable->item(row, 4)->setToolTip(mx.daneDetail);
            if (run)
                m_mxTable->item(row, 8)->setToolTip(
                    tr("This address: %1. The MX host %2: %3 (the worst of its addresses).")
                        .arg(verdictText(run->verdict), mx.host, verdictText(mx.verdict())));
            m_rowRuns.append({i, run ? int(r) : -1});
        }
    }
    m_mxTable->resizeColumnsToContents();
    fitTableHeight();
    m_records->setPlainText(recordsText());
    m_findings->clear();
    const auto add = [this](const Finding& f, const QString& where) {
        auto* item = new QTreeWidgetItem({toKey(f.severity), f.title, where});
        item->setToolTip(1, QStringLiteral("%1\n\n%2\n\n%3").arg(f.id, f.explanation, f.detail));
        m_findings->addTopLevelItem(item);
    };
    // The worst first (critical, warning, info); within a severity, in the order found.
    QList<std::pair<Finding, QString>> all;
    for (const Finding& f : m_report.findings)
        all.append({f, m_report.domain});
    for (const MxResult& mx : m_report.mx) {
        for (const Finding& f : mx.findings)
            all.append({f, f.detail.isEmpty() ? mx.host : f.detail});
    }
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
        return int(a.first.severity) > int(b.first.severity);
    });
    for (const auto& [finding, where] : std::as_const(all))
        add(finding, where);
    m_findings->resizeColumnToContents(0);
    m_findings->setColumnWidth(1, 320);
}

void DomainWindow::fitTableHeight()
{
    // Up to eight rows without scrolling (no domain has more MX addresses than that in
    // practice), never less than three; the rest of the height goes to records and findings.
    const int rows = std::clamp(m_mxTable->rowCount(), 3, 8);
    const int rowHeight = m_mxTable->verticalHeader()->defaultSectionSize();
    const int wanted = m_mxTable->horizontalHeader()->sizeHint().height() + rows * rowHeight
                       + 2 * m_mxTable->frameWidth() + m_mxTable->horizontalScrollBar()->sizeHint().height();
    const int total = std::max(m_split->height(), wanted * 2);
    m_split->setSizes({wanted, total - wanted});
}

QString DomainWindow::recordsText() const
{
    QStringList lines;
    lines << tr("MX records: %1 (DNSSEC %2)").arg(m_report.mxMode, toKey(m_report.mxSecurity));
    if (!m_report.mxWhyBogus.isEmpty())
        lines << tr("  bogus: %1").arg(m_report.mxWhyBogus);
    const MtaStsInfo& sts = m_report.mtaSts;
    lines << QString() << tr("MTA-STS record (_mta-sts, DNSSEC %1):").arg(toKey(sts.txtSecurity));
    lines << (sts.txt.isEmpty() ? tr("  none") : QStringLiteral("  ") + sts.txt.join(QStringLiteral("\n  ")));
    if (!sts.fetch.isEmpty())
        lines << tr("Policy fetch: %1 (%2)").arg(sts.fetch, sts.fetchDetail);
    if (!sts.policyText.isEmpty())
        lines << tr("Policy:") << sts.policyText.trimmed();
    const TlsRptInfo& rpt = m_report.tlsRpt;
    lines << QString() << tr("TLS-RPT record (_smtp._tls, DNSSEC %1):").arg(toKey(rpt.txtSecurity));
    lines << (rpt.txt.isEmpty() ? tr("  none") : QStringLiteral("  ") + rpt.txt.join(QStringLiteral("\n  ")));
    for (const MxResult& mx : m_report.mx) {
        if (mx.tlsa.isEmpty())
            continue;
        lines << QString() << tr("TLSA %1 (DNSSEC %2):").arg(mx.tlsaName, toKey(mx.tlsaSecurity));
        for (const TlsaRecord& t : mx.tlsa)
            lines << QStringLiteral("  ") + t.toText();
    }
    return lines.join(QLatin1Char('\n'));
}

void DomainWindow::openRun(int row)
{
    if (row < 0 || row >= m_rowRuns.size() || m_rowRuns.at(row).second < 0)
        return;
    const MxResult& mx = m_report.mx.at(m_rowRuns.at(row).first);
    const MxAddressRun& run = mx.runs.at(m_rowRuns.at(row).second);
    auto* dialog =
        new RunDialog(run.run, tr("%1 (%2) \u2014 SMTP conversation").arg(mx.host, run.address), this);
    dialog->setObjectName(QStringLiteral("runDialog"));
    dialog->show();
}
