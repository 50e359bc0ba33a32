#include "ComparisonDialog.h"

#include "run/TerminalText.h"
#include "UiStyle.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

ComparisonDialog::ComparisonDialog(QWidget* parent)
    : QDialog(parent)
{
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("compareSummary"));
    m_summary->setWordWrap(true);
    m_table = new QTableWidget(0, 3);
    m_table->setObjectName(QStringLiteral("compareTable"));
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    m_close = buttons->button(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(1000, 780);
}

void ComparisonDialog::setUp(bool unchanged, const QString& tableName, const QString& beforeTitle,
                             const QString& afterTitle)
{
    m_summary->setText(unchanged ? tr("Nothing changed but the timings.")
                                 : tr("Changed values are marked with ●."));
    m_table->setAccessibleName(tableName);
    m_table->setHorizontalHeaderLabels(
        {tr("What"), tr("Before: %1").arg(beforeTitle), tr("After: %1").arg(afterTitle)});
}

void ComparisonDialog::finish()
{
    m_table->setCurrentCell(-1, -1);
    m_close->setFocus();
}

void ComparisonDialog::addSection(const QString& title)
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

void ComparisonDialog::addRow(const QString& what, const QString& before, const QString& after, bool changed)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    const QPalette& palette = m_table->palette();
    const QColor tint = UiStyle::tint(UiStyle::warning(palette), palette, 0.18);
    // Certificate fields, capabilities, DNS records and policy text are the servers' and the
    // domain owner's: one line each, escaped.
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

void ComparisonDialog::addSetSection(const QString& title, const SetChange& set)
{
    if (set.isEmpty())
        return;
    addSection(title);
    for (const QString& s : set.removed)
        addRow(tr("removed"), s, QString(), true);
    for (const QString& s : set.added)
        addRow(tr("added"), QString(), s, true);
}

QStringList ComparisonDialog::rowTexts() const
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
