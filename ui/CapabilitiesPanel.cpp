#include "CapabilitiesPanel.h"

#include "CapabilitiesModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

CapabilitiesPanel::CapabilitiesPanel(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("capabilitiesPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("capabilitiesSummary"));
    m_summary->setWordWrap(true);
    m_summary->setContentsMargins(8, 0, 8, 4);
    layout->addWidget(m_summary);
    m_model = new CapabilitiesModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("capabilitiesTable"));
    m_table->setAccessibleName(tr("Capabilities before and after TLS"));
    m_table->setModel(m_model);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setTextElideMode(Qt::ElideRight);
    QHeaderView* header = m_table->horizontalHeader();
    header->setSectionResizeMode(CapabilitiesModel::NameColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(CapabilitiesModel::PlainColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(CapabilitiesModel::TlsColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(CapabilitiesModel::ChangeColumn, QHeaderView::ResizeToContents);
    layout->addWidget(m_table, 1);
    connect(m_model, &QAbstractItemModel::modelReset, this, &CapabilitiesPanel::updateSummary);
    updateSummary();
}

void CapabilitiesPanel::setRun(const Run* run)
{
    m_run = run;
    m_model->setRun(run);
}

void CapabilitiesPanel::onCapabilitiesChanged() { m_model->onCapabilitiesChanged(); }

void CapabilitiesPanel::updateSummary()
{
    if (!m_run || (m_run->capabilitiesPlain.isEmpty() && m_run->capabilitiesTls.isEmpty())) {
        m_summary->setText(tr("The server's capabilities appear here once it has answered the greeting."));
        return;
    }
    if (m_run->capabilitiesTls.isEmpty()) {
        m_summary->setText(
            tr("Capabilities were read only in plaintext. After STARTTLS, a client must ask again "
               "and forget the plaintext answer (RFC 3207 section 4.2)."));
        return;
    }
    const int diff = m_model->differenceCount();
    m_summary->setText(diff == 0
                           ? tr("The server announced the same capabilities before and after TLS.")
                           : (diff == 1 ? tr("1 capability differs between plaintext and TLS.")
                                        : tr("%1 capabilities differ between plaintext and TLS.").arg(diff))
                                 + QLatin1Char(' ')
                                 + tr("Only the answer given over TLS counts (RFC 3207 section 4.2)."));
}
