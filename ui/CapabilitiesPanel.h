#pragma once

#include "run/Run.h"

#include <QWidget>

class CapabilitiesModel;
class QLabel;
class QTableView;

/// Capabilities before and after TLS side by side, with what differs flagged.
class CapabilitiesPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit CapabilitiesPanel(QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(CapabilitiesPanel)

    void setRun(const Run* run);
    CapabilitiesModel* model() const { return m_model; }

public Q_SLOTS:
    void onCapabilitiesChanged();

private:
    void updateSummary();

    CapabilitiesModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_summary = nullptr;
    const Run* m_run = nullptr;
};
