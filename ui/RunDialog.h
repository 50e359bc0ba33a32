#pragma once

#include "run/Run.h"

#include <QDialog>

class TranscriptModel;

/**
 * One finished run in a window of its own: the conversation, TLS, certificates and findings,
 * with the same panels as the main window. The domain page opens an MX address's run here.
 * The dialog keeps its own copy of the run.
 */
class RunDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit RunDialog(Run run, const QString& title, QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(RunDialog)

private:
    const Run m_run;
};
