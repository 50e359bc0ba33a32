#include "AllPortsView.h"

#include "check/AllPortsCheck.h"
#include "UiStyle.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {

enum Column
{
    PortColumn,
    ServiceColumn,
    ReachableColumn,
    SecurityColumn,
    TlsColumn,
    CertificateColumn,
    AuthColumn,
    VerdictColumn,
    ColumnCount
};

QString serviceText(const MailService& s)
{
    return QStringLiteral("%1 (%2)").arg(displayName(s.protocol), s.tls == TlsMode::Implicit
                                                                      ? AllPortsView::tr("implicit TLS")
                                                                      : AllPortsView::tr("STARTTLS"));
}

} // namespace

AllPortsView::AllPortsView(QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("allPortsView"));
    setWindowTitle(tr("All Ports — Mailscope"));
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("allPortsStatus"));
    m_table = new QTableWidget(0, ColumnCount);
    m_table->setObjectName(QStringLiteral("allPortsTable"));
    m_table->setAccessibleName(tr("Mail ports of the host"));
    m_table->setHorizontalHeaderLabels({tr("Port"), tr("Service"), tr("Reachable"), tr("Security"), tr("TLS"),
                                        tr("Certificate"), tr("AUTH before TLS"), tr("Verdict")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setToolTip(tr("Click a port (or press Enter) to see its run in the window"));
    connect(m_table, &QTableWidget::cellActivated, this, [this](int row, int) { onActivated(row); });
    connect(m_table, &QTableWidget::cellClicked, this, [this](int row, int) { onActivated(row); });

    m_stop = new QPushButton(tr("&Stop"));
    m_stop->setObjectName(QStringLiteral("allPortsStopButton"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    buttons->addButton(m_stop, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_stop, &QPushButton::clicked, this, [this] {
        if (m_check)
            m_check->cancel();
    });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(900, 360);
}

AllPortsView::~AllPortsView() = default;

bool AllPortsView::isRunning() const { return m_check && m_check->isStarted() && !m_check->isFinished(); }

void AllPortsView::start(const ProbeOptions& base, const QMap<quint16, quint16>& portMap)
{
    if (m_check) {
        m_check->disconnect(this);
        m_check->cancel();
    }
    m_check = std::make_unique<AllPortsCheck>(base, portMap);
    connect(m_check.get(), &AllPortsCheck::rowChanged, this, &AllPortsView::updateRow);
    connect(m_check.get(), &AllPortsCheck::rowFinished, this, &AllPortsView::updateRow);
    connect(m_check.get(), &AllPortsCheck::finished, this, &AllPortsView::onFinished);
    m_table->setRowCount(m_check->count());
    for (int i = 0; i < m_check->count(); ++i)
        updateRow(i);
    m_status->setText(tr("Checking %1 on %2 ports at once…").arg(base.host).arg(m_check->count()));
    m_stop->setEnabled(true);
    m_check->start();
}

void AllPortsView::updateRow(int index)
{
    const bool done = m_check->isRowFinished(index);
    const PortRow row = m_check->row(index);
    const QString port = row.connectedPort == row.service.port
                             ? QString::number(row.service.port)
                             : tr("%1 (on %2)").arg(row.service.port).arg(row.connectedPort);
    const QString pending = done ? QString() : tr("…");
    QStringList cells {port, serviceText(row.service)};
    if (done) {
        cells << (row.reachable ? tr("yes") : tr("no")) << displayName(row.security)
              << (row.tlsVersion.isEmpty() ? tr("—") : row.tlsVersion) << displayName(row.certificate)
              << (row.reachable ? (row.authBeforeTls ? tr("yes") : tr("no")) : tr("—"))
              << UiStyle::verdictText(row.verdict);
    } else {
        cells << pending << pending << pending << pending << pending << tr("running");
    }
    const QPalette& palette = m_table->palette();
    for (int c = 0; c < ColumnCount; ++c) {
        auto* item = new QTableWidgetItem(cells.at(c));
        if (done && c == VerdictColumn) {
            item->setIcon(UiStyle::verdictIcon(row.verdict));
            item->setForeground(UiStyle::forVerdict(row.verdict, palette));
        }
        if (done && c == AuthColumn && row.authBeforeTls)
            item->setForeground(UiStyle::warning(palette));
        if (done && !row.reachable)
            item->setForeground(UiStyle::muted(palette));
        m_table->setItem(index, c, item);
    }
}

void AllPortsView::onFinished()
{
    int reachable = 0;
    for (int i = 0; i < m_check->count(); ++i)
        reachable += m_check->row(i).reachable ? 1 : 0;
    m_status->setText(tr("%1 of %2 ports answer — overall: %3. Click a port to see its run.")
                          .arg(reachable)
                          .arg(m_check->count())
                          .arg(UiStyle::verdictText(m_check->worstVerdict())));
    m_stop->setEnabled(false);
    Q_EMIT finished();
}

void AllPortsView::onActivated(int row)
{
    if (m_check && row >= 0 && row < m_check->count() && m_check->isRowFinished(row))
        Q_EMIT runRequested(m_check->run(row));
}

QStringList AllPortsView::rowTexts() const
{
    QStringList rows;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < ColumnCount; ++c)
            cells.append(m_table->item(r, c) ? m_table->item(r, c)->text() : QString());
        rows.append(cells.join(QStringLiteral(" | ")));
    }
    return rows;
}
