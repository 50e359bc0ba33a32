#include "TimelineView.h"

#include "TimelineModel.h"

#include <QHeaderView>

TimelineView::TimelineView(QWidget* parent)
    : QTableView(parent)
{
    setObjectName(QStringLiteral("timelineView"));
    setAccessibleName(tr("Conversation timeline"));
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setShowGrid(false);
    setWordWrap(false);
    setTextElideMode(Qt::ElideRight);
    setIconSize(QSize(20, 20));
    setAlternatingRowColors(false);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    verticalHeader()->hide();
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 14);
    horizontalHeader()->setHighlightSections(false);
    horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
}

void TimelineView::setTimelineModel(TimelineModel* model)
{
    m_model = model;
    setModel(model);
    QHeaderView* header = horizontalHeader();
    header->setSectionResizeMode(TimelineModel::StepColumn, QHeaderView::Interactive);
    header->setSectionResizeMode(TimelineModel::DurationColumn, QHeaderView::Interactive);
    header->setSectionResizeMode(TimelineModel::SummaryColumn, QHeaderView::Stretch);
    header->resizeSection(TimelineModel::StepColumn,
                          fontMetrics().horizontalAdvance(QStringLiteral("M")) * 15 + 40);
    header->resizeSection(TimelineModel::DurationColumn,
                          fontMetrics().horizontalAdvance(QStringLiteral("0")) * 9 + 16);
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this, &TimelineView::onCurrentChanged);
    connect(model, &QAbstractItemModel::dataChanged, this, &TimelineView::onDataChanged);
}

void TimelineView::selectStepIndex(int stepIndex)
{
    if (!m_model)
        return;
    if (stepIndex < 0 || stepIndex >= m_model->rowCount()) {
        clearSelection();
        return;
    }
    setCurrentIndex(m_model->index(stepIndex, 0));
    scrollTo(m_model->index(stepIndex, 0));
}

int TimelineView::selectedStepIndex() const
{
    const QModelIndex current = currentIndex();
    return current.isValid() && selectionModel()->isRowSelected(current.row(), {})
               ? current.data(TimelineModel::StepIndexRole).toInt()
               : -1;
}

void TimelineView::onCurrentChanged(const QModelIndex& current)
{
    Q_EMIT stepSelected(current.isValid() ? current.data(TimelineModel::StepIndexRole).toInt() : -1);
}

void TimelineView::onDataChanged(const QModelIndex& topLeft)
{
    // Keep the step that is running (or paused before) visible.
    const int status = topLeft.data(TimelineModel::StatusRole).toInt();
    if (status == int(StepStatus::Running) || topLeft.data(TimelineModel::PausedBeforeRole).toBool())
        scrollTo(topLeft.siblingAtColumn(0));
}
