#pragma once

#include "run/Run.h"

#include <QAbstractListModel>

/// The findings of a Run, most severe first within the order they were found.
class FindingsModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role
    {
        SeverityRole = Qt::UserRole + 1, ///< Severity as int
        IdRole,
        StepIdRole, ///< StepId as int, or -1
        FindingIndexRole, ///< index into Run::findings
    };

    explicit FindingsModel(QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(FindingsModel)

    void setRun(const Run* run);
    const Finding* finding(int row) const;
    int count(Severity severity) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

public Q_SLOTS:
    void onFindingAdded(int index);

private:
    int insertionRow(Severity severity) const;

    const Run* m_run = nullptr;
    QList<int> m_order; ///< row -> index into Run::findings
};
