#pragma once

#include <QStyledItemDelegate>

/**
 * Paints the transcript: a coloured C:/S: gutter with a lock on encrypted lines, monospace
 * protocol text (client lines in the accent colour), Mailscope's own notes in muted italics,
 * discarded plaintext struck through in red, and the "encrypted from here on" band.
 */
class TranscriptDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit TranscriptDelegate(QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(TranscriptDelegate)

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;

private:
    void paintBoundary(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const;
    void paintGutter(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const;
};
