#include "CompareDialog.h"

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

QString runTitle(const Run& run)
{
    return QStringLiteral("%1 — %2:%3 — %4")
        .arg(QLocale().toString(run.startedAt.toLocalTime(), QLocale::ShortFormat), run.target.host)
        .arg(run.target.port)
        .arg(UiStyle::verdictText(run.verdict()));
}

QString stepText(const std::optional<StepStatus>& status, qint64 ms)
{
    return status ? QStringLiteral("%1, %2").arg(UiStyle::statusText(*status), UiStyle::duration(ms))
                  : QStringLiteral("—");
}

} // namespace

CompareDialog::CompareDialog(const Run& before, const Run& after, QWidget* parent)
    : QDialog(parent)
    , m_before(before)
    , m_after(after)
    , m_comparison(RunComparison::compare(before, after))
{
    setObjectName(QStringLiteral("compareDialog"));
    setWindowTitle(tr("Compare Runs — Mailscope"));
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("compareSummary"));
    m_summary->setWordWrap(true);
    m_summary->setText(m_comparison.isUnchanged() ? tr("Nothing changed but the timings.")
                                                  : tr("Changed values are marked with ●."));
    m_table = new QTableWidget(0, 3);
    m_table->setObjectName(QStringLiteral("compareTable"));
    m_table->setAccessibleName(tr("Differences between the two runs"));
    m_table->setHorizontalHeaderLabels(
        {tr("What"), tr("Before: %1").arg(runTitle(before)), tr("After: %1").arg(runTitle(after))});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);

    addSection(tr("Connection and certificate"));
    const QStringList fields = RunComparison::fieldOrder();
    for (const QString& field : fields) {
        // Every field, changed or not, so the two runs can be read side by side.
        addRow(RunComparison::fieldLabel(field), RunComparison::fieldValue(before, field),
               RunComparison::fieldValue(after, field), m_comparison.change(field) != nullptr);
    }
    const auto addSet = [this](const QString& title, const SetChange& set) {
        if (set.isEmpty())
            return;
        addSection(title);
        for (const QString& s : set.removed)
            addRow(tr("removed"), s, QString(), true);
        for (const QString& s : set.added)
            addRow(tr("added"), QString(), s, true);
    };
    addSet(tr("Capabilities before TLS"), m_comparison.capabilitiesPlain);
    addSet(tr("Capabilities after TLS"), m_comparison.capabilitiesTls);
    addSet(tr("Findings"), m_comparison.findings);
    addSection(tr("Steps (status and time)"));
    for (const StepComparison& s : std::as_const(m_comparison.steps))
        addRow(UiStyle::stepTitle(s.id, after.target.protocol), stepText(s.statusBefore, s.durationBefore),
               stepText(s.statusAfter, s.durationAfter), s.statusChanged());

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

void CompareDialog::addSection(const QString& title)
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

void CompareDialog::addRow(const QString& what, const QString& before, const QString& after, bool changed)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    const QPalette& palette = m_table->palette();
    const QColor tint = UiStyle::tint(UiStyle::warning(palette), palette, 0.18);
    const QStringList texts {changed ? QStringLiteral("● ") + what : what,
                             // One line per value: a certificate field or capability is server text.
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

QStringList CompareDialog::rowTexts() const
{
    QStringList rows;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < 3; ++c) {
            const QTableWidgetItem* item = m_table->item(r, c);
            if (item)
                cells.append(item->text());
        }
        rows.append(cells.join(QStringLiteral(" | ")));
    }
    return rows;
}
