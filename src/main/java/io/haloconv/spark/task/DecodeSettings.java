package io.haloconv.spark.task;

import io.haloconv.io.ChannelMode;
import io.haloconv.io.Normalization;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.tensor.Precision;
import java.io.Serializable;

/** The per-job settings every task needs beside the bank: small, captured in the task closure. */
public record DecodeSettings(
    ChannelMode channels, Normalization normalization, Precision precision, FailureMode mode)
    implements Serializable {}
