package io.haloconv.spark.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The reader's required columns are the writer's first columns (design.md §3), the georeferencing
 * and nodata columns follow, nullable; rows are read back by name.
 */
class TileRowsTest {
  @Test
  void theReaderRequiresTheContractsColumnsAndTheAddedOnesFollowThem() {
    List<String> names = List.of(TileRows.SCHEMA.fieldNames());
    assertThat(names.subList(0, TileRows.REQUIRED.size())).isEqualTo(TileRows.REQUIRED);
    assertThat(names.subList(TileRows.REQUIRED.size(), names.size()))
        .containsExactly("transform", "crs", "mpp_x", "mpp_y", "valid_fraction");
    for (int i = TileRows.REQUIRED.size(); i < names.size(); i++) {
      assertThat(TileRows.SCHEMA.fields()[i].nullable()).as(names.get(i)).isTrue();
    }
    assertThat(TileRows.LAYERED_SCHEMA.fieldNames())
        .containsExactly(
            "path",
            "y0",
            "x0",
            "height",
            "width",
            "channels",
            "out_height",
            "out_width",
            "dtype",
            "features",
            "transform",
            "crs",
            "mpp_x",
            "mpp_y",
            "valid_fraction",
            "layer");
    assertThat(TileRows.missingColumn(TileRows.LAYERED_SCHEMA)).isNull();
    StructType noDtype = new StructType();
    for (var f : TileRows.SCHEMA.fields()) {
      if (!f.name().equals("dtype")) {
        noDtype = noDtype.add(f);
      }
    }
    assertThat(TileRows.missingColumn(noDtype)).isEqualTo("dtype");
  }

  @Test
  void decodeReadsByNameWhateverTheColumnOrder() {
    byte[] bytes = {1, 2, 3, 4};
    Row row =
        new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
            new Object[] {"float16", bytes, 7, 2, 3, 1, 9, 5, 11, 4, "a.png", "conv1"},
            new StructType()
                .add("dtype", DataTypes.StringType)
                .add("features", DataTypes.BinaryType)
                .add("y0", DataTypes.IntegerType)
                .add("x0", DataTypes.IntegerType)
                .add("height", DataTypes.IntegerType)
                .add("width", DataTypes.IntegerType)
                .add("out_height", DataTypes.IntegerType)
                .add("out_width", DataTypes.IntegerType)
                .add("unrelated", DataTypes.IntegerType)
                .add("channels", DataTypes.IntegerType)
                .add("path", DataTypes.StringType)
                .add("layer", DataTypes.StringType));
    TileRows.Tile t = TileRows.decode(row);
    assertThat(t.path()).isEqualTo("a.png");
    assertThat(new int[] {t.y0(), t.x0(), t.height(), t.width(), t.channels()})
        .containsExactly(7, 2, 3, 1, 4);
    assertThat(new int[] {t.outHeight(), t.outWidth()}).containsExactly(9, 5);
    assertThat(t.dtype()).isEqualTo("float16");
    assertThat(t.features()).isSameAs(bytes);
  }
}
