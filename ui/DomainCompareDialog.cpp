#include "DomainCompareDialog.h"

#include "run/TerminalText.h"
#include "UiStyle.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {

QString checkTitle(const DomainReport& r)
{
    return QStringLiteral("%1 — %2 — %3")
        .arg(QLocale().toString(r.startedAt.toLocalTime(), QLocale::ShortFormat), r.domain,
             UiStyle::verdictText(r.verdict()));
}

const MxResult* findMx(const DomainReport& r, const QString& host)
{
    for (const MxResult& mx : r.mx) {
        if (mx.host.compare(host, Qt::CaseInsensitive) == 0)
            return &mx;
    }
    return nullptr;
}

} // namespace

DomainCompareDialog::DomainCompareDialog(const DomainReport& before, const DomainReport& after,
                                         QWidget* parent)
    : QDialog(parent)
    , m_comparison(DomainComparison::compare(before, after))
{
    setObjectName(QStringLiteral("domainCompareDialog"));
    setWindowTitle(tr("Compare Domain Checks — Mailscope"));
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("compareSummary"));
    m_summary->setWordWrap(true);
    m_summary->setText(m_comparison.isUnchanged() ? tr("Nothing changed but the timings.")
                                                  : tr("Changed values are marked with ●."));
    m_table = new QTableWidget(0, 3);
    m_table->setObjectName(QStringLiteral("compareTable"));
    m_table->setAccessibleName(tr("Differences between the two domain checks"));
    m_table->setHorizontalHeaderLabels(
        {tr("What"), tr("Before: %1").arg(checkTitle(before)), tr("After: %1").arg(checkTitle(after))});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);

    addSection(tr("Domain"));
    for (const QString& field : DomainComparison::fieldOrder())
        addRow(DomainComparison::fieldLabel(field), DomainComparison::fieldValue(before, field),
               DomainComparison::fieldValue(after, field), m_comparison.change(field) != nullptr);

    // Every MX host of either check, in the later check's order, then those only the earlier had.
    QList<const MxResult*> hosts;
    for (const MxResult& mx : after.mx)
        hosts.append(&mx);
    for (const MxResult& mx : before.mx) {
        if (!findMx(after, mx.host))
            hosts.append(&mx);
    }
    for (const MxResult* mx : std::as_const(hosts)) {
        const MxResult* a = findMx(before, mx->host);
        const MxResult* b = findMx(after, mx->host);
        addSection(!a   ? tr("MX %1 %2 (added)").arg(mx->preference).arg(mx->host)
                   : !b ? tr("MX %1 %2 (removed)").arg(mx->preference).arg(mx->host)
                        : tr("MX %1 %2").arg(mx->preference).arg(mx->host));
        for (const QString& field : DomainComparison::mxFieldOrder()) {
            const QString va = a ? DomainComparison::mxFieldValue(*a, field) : QString();
            const QString vb = b ? DomainComparison::mxFieldValue(*b, field) : QString();
            addRow(DomainComparison::mxFieldLabel(field), va, vb, va != vb);
        }
    }
    const SetChange& findings = m_comparison.findings;
    if (!findings.isEmpty()) {
        addSection(tr("Findings"));
        for (const QString& s : findings.removed)
            addRow(tr("removed"), s, QString(), true);
        for (const QString& s : findings.added)
            addRow(tr("added"), QString(), s, true);
    }

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    m_table->setCurrentCell(-1, -1);
    buttons->button(QDialogButtonBox::Close)->setFocus();
    resize(1000, 780);
}

void DomainCompareDialog::addSection(const QString& title)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto* item = new QTableWidgetItem(title);
    QFont bold = item->font();
    bold.setBold(true);
    item->setFont(bold);
    m_table->setItem(row, 0, item);
    m_table->setSpan(row, 0, 1, 3);
}

void DomainCompareDialog::addRow(const QString& what, const QString& before, const QString& after,
                                 bool changed)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    const QPalette& palette = m_table->palette();
    const QColor tint = UiStyle::tint(UiStyle::warning(palette), palette, 0.18);
    // DNS records and policy text are the domain owner's: one line each, escaped.
    const QStringList texts {changed ? QStringLiteral("● ") + what : what,
                             before.isEmpty() ? QStringLiteral("—") : TerminalText::escaped(before),
                             after.isEmpty() ? QStringLiteral("—") : TerminalText::escaped(after)};
    for (int c = 0; c < 3; ++c) {
        auto* item = new QTableWidgetItem(texts.at(c));
        item->setToolTip(texts.at(c));
        if (changed)
            item->setBackground(tint);
        m_table->setItem(row, c, item);
    }
}

QStringList DomainCompareDialog::rowTexts() const
{
    QStringList rows;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < 3; ++c) {
            if (const QTableWidgetItem* item = m_table->item(r, c))
                cells.append(item->text());
        }
        rows.append(cells.join(QStringLiteral(" | ")));
    }
    return rows;
}
