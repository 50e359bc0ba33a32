#pragma once

#include <QWidget>

class QSpinBox;

/**
 * The run deadline among the run options of the tool bar: "Deadline: 120 s". A run (the
 * conversation and the TLS audit together) ends there with a partial report, however slowly the
 * server answers (CheckRunner). The value is remembered between launches; the control keeps that
 * to itself so the main window only places it.
 */
class RunDeadlineControl final : public QWidget
{
    Q_OBJECT

public:
    explicit RunDeadlineControl(QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(RunDeadlineControl)

    int deadlineMs() const;
    void setDeadlineMs(int milliseconds);
    QSpinBox* spinBox() const { return m_spin; }

Q_SIGNALS:
    void deadlineChanged(int milliseconds);

private:
    void onValueChanged(int seconds);

    QSpinBox* m_spin = nullptr;
};
