#include "TranscriptView.h"

#include "FindBar.h"
#include "TranscriptDelegate.h"
#include "TranscriptModel.h"
#include "UiStyle.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

TranscriptView::TranscriptView(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("transcriptView"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("transcriptTable"));
    m_table->setAccessibleName(tr("Transcript"));
    m_table->setItemDelegate(new TranscriptDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    // Uniform row heights: the view never measures rows, whatever the transcript's length. The
    // height comes from the monospace font, which is loaded with the first line (applyLineMetrics).
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    layout->addWidget(m_table, 1);

    m_placeholder = new QLabel(tr("The conversation appears here line by line as it happens.\n"
                                  "C: is what Mailscope sends, S: what the server answers; "
                                  "a padlock marks lines that travelled encrypted."),
                               m_table->viewport());
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);
    m_placeholder->setContentsMargins(24, 24, 24, 24);
    m_table->viewport()->installEventFilter(this);

    auto* copy = new QAction(tr("&Copy"), m_table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &TranscriptView::copySelection);
    m_table->addAction(copy);

    connect(m_table, &QWidget::customContextMenuRequested, this, &TranscriptView::onContextMenu);
}

FindBar* TranscriptView::findBar()
{
    // Made on first use (Ctrl+F): its line edit's clear button loads the style's images.
    if (!m_findBar) {
        m_findBar = new FindBar(this);
        m_findBar->hide();
        layout()->addWidget(m_findBar);
        connect(m_findBar, &FindBar::findNext, this, [this](const QString& text) { find(text, true); });
        connect(m_findBar, &FindBar::findPrevious, this, [this](const QString& text) { find(text, false); });
        connect(m_findBar, &FindBar::closed, m_table, qOverload<>(&QWidget::setFocus));
    }
    return m_findBar;
}

void TranscriptView::setTranscriptModel(TranscriptModel* model)
{
    m_model = model;
    m_table->setModel(model);
    QHeaderView* header = m_table->horizontalHeader();
    const QFontMetrics fm(font());
    header->setSectionResizeMode(TranscriptModel::TimeColumn, QHeaderView::Fixed);
    header->setSectionResizeMode(TranscriptModel::DirectionColumn, QHeaderView::Fixed);
    header->setSectionResizeMode(TranscriptModel::TextColumn, QHeaderView::Stretch);
    header->resizeSection(TranscriptModel::TimeColumn, fm.horizontalAdvance(QStringLiteral("Time (s)")) + 24);
    // Room for the gutter's bold monospace "S!" and padlock (TranscriptDelegate::paintGutter),
    // measured without loading the monospace font: an M of the view's font is wider than a
    // monospace letter.
    header->resizeSection(TranscriptModel::DirectionColumn, fm.horizontalAdvance(QLatin1Char('M')) * 2 + 36);
    connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this,
            &TranscriptView::onRowsAboutToBeInserted);
    connect(model, &QAbstractItemModel::rowsInserted, this, &TranscriptView::onRowsInserted);
    connect(model, &QAbstractItemModel::modelReset, this, &TranscriptView::onModelReset);
}

bool TranscriptView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        m_placeholder->setGeometry(m_table->viewport()->rect());
    return QWidget::eventFilter(watched, event);
}

void TranscriptView::updatePlaceholder() { m_placeholder->setVisible(!m_model || m_model->rowCount() == 0); }

void TranscriptView::applyLineMetrics()
{
    // Loading a second font family costs a few milliseconds: not worth it before the window is
    // on screen with an empty transcript.
    if (m_lineMetricsApplied)
        return;
    m_lineMetricsApplied = true;
    m_table->verticalHeader()->setDefaultSectionSize(QFontMetrics(UiStyle::monospaceFont()).height() + 6);
}

void TranscriptView::onRowsAboutToBeInserted()
{
    applyLineMetrics();
    const QScrollBar* bar = m_table->verticalScrollBar();
    m_followTail = bar->value() >= bar->maximum() - 2;
}

void TranscriptView::onRowsInserted()
{
    if (!m_spanSet && m_model->boundaryRow() >= 0) {
        m_table->setSpan(m_model->boundaryRow(), 0, 1, TranscriptModel::ColumnCount);
        m_spanSet = true;
    }
    if (m_followTail)
        m_table->scrollToBottom();
    updatePlaceholder();
}

void TranscriptView::onModelReset()
{
    if (m_model->rowCount() > 0)
        applyLineMetrics();
    m_table->clearSpans();
    m_spanSet = false;
    m_followTail = true;
    if (m_model->boundaryRow() >= 0) {
        m_table->setSpan(m_model->boundaryRow(), 0, 1, TranscriptModel::ColumnCount);
        m_spanSet = true;
    }
    updatePlaceholder();
}

void TranscriptView::highlightStep(int stepIndex)
{
    if (!m_model)
        return;
    m_model->flush();
    QItemSelection selection;
    const QList<int> rows = m_model->rowsForStep(stepIndex);
    // Contiguous runs of rows become one range each (a step's lines usually are one run).
    for (int i = 0; i < rows.size();) {
        int j = i;
        while (j + 1 < rows.size() && rows.at(j + 1) == rows.at(j) + 1)
            ++j;
        selection.select(m_model->index(rows.at(i), 0),
                         m_model->index(rows.at(j), TranscriptModel::ColumnCount - 1));
        i = j + 1;
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!rows.isEmpty()) {
        m_table->selectionModel()->setCurrentIndex(m_model->index(rows.constFirst(), 0),
                                                   QItemSelectionModel::NoUpdate);
        m_table->scrollTo(m_model->index(rows.constLast(), 0), QAbstractItemView::EnsureVisible);
        m_table->scrollTo(m_model->index(rows.constFirst(), 0), QAbstractItemView::EnsureVisible);
        m_followTail = false;
    }
}

QString TranscriptView::selectedText() const
{
    if (!m_model)
        return {};
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QStringList lines;
    for (const QModelIndex& i : std::as_const(rows))
        lines.append(m_model->lineText(i.row()));
    return lines.join(QLatin1Char('\n'));
}

void TranscriptView::copySelection()
{
    const QString text = selectedText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text + QLatin1Char('\n'));
}

void TranscriptView::copyAll()
{
    if (!m_model)
        return;
    QStringList lines;
    for (int row = 0; row < m_model->rowCount(); ++row)
        lines.append(m_model->lineText(row));
    QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')) + QLatin1Char('\n'));
}

void TranscriptView::showFind() { findBar()->activate(); }

void TranscriptView::find(const QString& text, bool forward)
{
    if (!m_model || text.isEmpty()) {
        findBar()->setResult(true);
        return;
    }
    m_model->flush();
    const QModelIndex current = m_table->currentIndex();
    const int from = current.isValid() ? current.row() + (forward ? 1 : -1) : 0;
    const int row = m_model->find(text, from, forward);
    findBar()->setResult(row >= 0);
    if (row < 0)
        return;
    const QModelIndex index = m_model->index(row, TranscriptModel::TextColumn);
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect
                                                          | QItemSelectionModel::Rows);
    m_table->scrollTo(index, QAbstractItemView::PositionAtCenter);
    m_followTail = false;
}

void TranscriptView::onContextMenu(const QPoint& pos)
{
    QMenu menu(this);
    menu.addAction(tr("&Copy selected lines"), this, &TranscriptView::copySelection)
        ->setEnabled(m_table->selectionModel() && m_table->selectionModel()->hasSelection());
    menu.addAction(tr("Copy &all"), this, &TranscriptView::copyAll);
    menu.addSeparator();
    menu.addAction(UiStyle::icon(QStringLiteral("action-find")), tr("&Find…"), this,
                   &TranscriptView::showFind);
    menu.addAction(UiStyle::icon(QStringLiteral("action-save")), tr("&Save transcript…"), this,
                   &TranscriptView::saveRequested);
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}
